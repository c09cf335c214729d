"""Factories for catalogue data. Items get numbers through the real allocation service."""

from __future__ import annotations

import factory

from katalog.accounts.models import Bureau, User
from katalog.catalog import services
from katalog.catalog.models import Item, Manufacturer
from katalog.core.actors import SYSTEM_INIT


def bureau(key: str = "RU") -> Bureau:
    return Bureau.objects.get(key=key)


class UserFactory(factory.django.DjangoModelFactory):
    """A person of a bureau; a cataloguer unless `roles` says otherwise (`roles=[]`: none)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    bureau = factory.LazyFunction(lambda: bureau("RU"))

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if not create or obj.bureau_id is None:
            return
        for role in ["cataloguer"] if extracted is None else extracted:
            grant_role(obj, role)


def grant_role(user: User, role: str) -> None:
    """A role given by the installation's operator (as `katalog user grant` does)."""
    from katalog.accounts.services import role_grant
    from katalog.core.actors import SYSTEM_OPERATOR

    role_grant(actor=SYSTEM_OPERATOR, user=user, role=role)


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
        actor=SYSTEM_INIT,
        bureau=bureau(bureau_key),
        supply_class=supply_class,
        item_name_code=item_name_code,
        **kwargs,
    )


def history_of(item: Item) -> list:
    """The item's audit entries, oldest first."""
    from katalog.audit.selectors import object_history

    return list(object_history("item", item.niin))
