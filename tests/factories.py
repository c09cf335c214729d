"""Factories for catalogue data. Items get numbers through the real allocation service."""

from __future__ import annotations

import factory

from katalog.accounts.models import Bureau, User
from katalog.catalog import services
from katalog.catalog.models import Item, Manufacturer


def bureau(key: str = "RU") -> Bureau:
    return Bureau.objects.get(key=key)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    bureau = factory.LazyFunction(lambda: bureau("RU"))


class ManufacturerFactory(factory.django.DjangoModelFactory):
    """A Russian manufacturer with a code that follows the bureau pattern A***F."""

    class Meta:
        model = Manufacturer
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"A{n:03d}F")
    names = factory.LazyAttribute(
        lambda o: {"en": f"Maker {o.code}", "ru": f"Изготовитель {o.code}"}
    )
    country_id = "RU"
    bureau = factory.LazyFunction(lambda: bureau("RU"))


def make_item(
    bureau_key: str = "RU", supply_class: str = "5310", item_name_code: str = "10101", **kwargs
) -> Item:
    return services.item_create(
        actor=None,
        bureau=bureau(bureau_key),
        supply_class=supply_class,
        item_name_code=item_name_code,
        **kwargs,
    )
