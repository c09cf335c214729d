"""Bureaus (the interstate centre and national cataloguing bodies), their codes, and users."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

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


def new_auth_stamp() -> str:
    return secrets.token_hex(16)


class User(AbstractUser):
    """A person using katalog, member of at most one bureau, acting with the roles granted
    there (`RoleGrant`). Superuser status is for the installation's operator (the admin site);
    it gives no right on catalogue data."""

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
    # Changes with the password and on deactivation; tokens made under another stamp stop working.
    auth_stamp = models.CharField(max_length=32, default="", editable=False)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.auth_stamp = new_auth_stamp()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.auth_stamp:
            self.auth_stamp = new_auth_stamp()
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    """What a person may do in their bureau. The centre's roles act on the interstate data."""

    VIEWER = "viewer", _("viewer")
    CATALOGUER = "cataloguer", _("cataloguer")
    APPROVER = "approver", _("approver")
    BUREAU_ADMIN = "bureau_admin", _("bureau administrator")
    CENTRE_CATALOGUER = "centre_cataloguer", _("centre cataloguer")
    CENTRE_ADMIN = "centre_admin", _("centre administrator")


CENTRE_ROLES = frozenset({Role.CENTRE_CATALOGUER, Role.CENTRE_ADMIN})


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def active(self) -> RoleGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class RoleGrant(models.Model):
    """A role given to a person in a bureau, by whom and when; revoked grants stay on record."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grants")
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.CharField(_("granted by"), max_length=150)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    revoked_by = models.CharField(_("revoked by"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        ordering = ["user", "bureau", "role", "granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "bureau", "role"],
                condition=Q(revoked_at__isnull=True),
                name="rolegrant_one_active",
            )
        ]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} in {self.bureau_id}"


class TokenScope(models.TextChoices):
    READ = "read", _("read only")
    WRITE = "write", _("read and write")


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
    scope = models.CharField(
        _("scope"), max_length=5, choices=TokenScope.choices, default=TokenScope.WRITE
    )
    # The user's `auth_stamp` when the token was made: a password change or deactivation since
    # then ends the token.
    auth_stamp = models.CharField(max_length=32, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"


class AccountAction(models.TextChoices):
    """What happened to a person's account, as recorded in the audit log."""

    USER_CREATED = "user_created", _("user created")
    ROLE_GRANTED = "role_granted", _("role granted")
    ROLE_REVOKED = "role_revoked", _("role revoked")
    PASSWORD_CHANGED = "password_changed", _("password changed")
    USER_DEACTIVATED = "user_deactivated", _("user deactivated")
    OPERATOR_SET = "operator_set", _("operator of the installation named")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
