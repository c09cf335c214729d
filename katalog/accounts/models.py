"""Bureaus (the interstate centre and national cataloguing bodies), their codes, and users."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from katalog.core.i18n import pick_text


class BureauKind(models.TextChoices):
    CENTRE = "centre", _("interstate cataloguing centre")
    NATIONAL = "national", _("national cataloguing body")
    EXTERNAL = "external", _("external source")


class BureauQuerySet(models.QuerySet["Bureau"]):
    def holding_code_at(self, code: str, on: dt.date) -> BureauQuerySet:
        return self.filter(codes__in=BureauCode.objects.filter(code=code).valid_at(on))


class Bureau(models.Model):
    """A cataloguing body. `user_code` is its 2-letter code as a registered user of items."""

    key = models.CharField(_("key"), max_length=8, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=BureauKind.choices)
    country = models.ForeignKey(
        "refdata.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    names = models.JSONField(_("names"), default=dict)
    user_code = models.CharField(_("user code"), max_length=2, unique=True)
    # Manufacturer-code patterns: '#' a digit, '*' a letter or digit, any other character itself.
    manufacturer_code_patterns = models.JSONField(
        _("manufacturer code patterns"), default=list, blank=True
    )

    objects = BureauQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("bureau")
        verbose_name_plural = _("bureaus")

    def __str__(self) -> str:
        return f"{self.key} {pick_text(self.names)}"


class BureauCodeQuerySet(models.QuerySet["BureauCode"]):
    def valid_at(self, on: dt.date) -> BureauCodeQuerySet:
        return self.filter(Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on)))


class BureauCode(models.Model):
    """A 2-digit code under which a bureau issues catalogue numbers, over a validity period.

    A code can move to another bureau; the history stays, and numbers issued under an old
    holder remain that holder's.
    """

    code = models.CharField(_("code"), max_length=2, db_index=True)
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="codes")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = BureauCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="bureaucode_unique_period")
        ]
        verbose_name = _("bureau code")
        verbose_name_plural = _("bureau codes")

    def __str__(self) -> str:
        until = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{self.code} → {self.bureau.key} ({self.valid_from.isoformat()}–{until})"


class User(AbstractUser):
    """A person using katalog, member of at most one bureau."""

    class UnitSystem(models.TextChoices):
        METRIC = "metric", _("metric")
        IMPERIAL = "imperial", _("imperial")

    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    unit_system = models.CharField(
        _("unit system"), max_length=10, choices=UnitSystem.choices, default=UnitSystem.METRIC
    )
    expert_mode = models.BooleanField(_("expert mode"), default=False)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable_at(self, at: dt.datetime) -> ApiTokenQuerySet:
        return self.filter(
            Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=at))
        )


class ApiToken(models.Model):
    """A personal access token of a user for the REST API.

    Only a SHA-256 digest of the token is stored; the token itself is shown once, when made.
    `prefix` (its first characters) lets people tell their tokens apart.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"
