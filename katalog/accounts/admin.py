from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from katalog.accounts.models import ApiToken, Bureau, BureauCode, User
from katalog.accounts.tokens import token_create, token_revoke


class BureauCodeInline(admin.TabularInline):
    model = BureauCode
    extra = 0


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "country", "user_code"]
    inlines = [BureauCodeInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ()),
        ("katalog", {"fields": ["bureau", "unit_system", "expert_mode"]}),
    ]
    list_display = ["username", "bureau", "is_staff"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens of users: made here or with `katalog token create`, shown once, then only listed
    (by prefix) and revoked. The token itself is never stored. Both go through the token
    services (audited); nothing else of a token is changed here."""

    writes_through_services = True

    list_display = [
        "prefix",
        "name",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    actions = ["revoke"]

    def get_fields(self, request: Any, obj: ApiToken | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("user", "name", "expires_at")
        return ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")

    def get_readonly_fields(self, request: Any, obj: ApiToken | None = None) -> list[str]:
        return [] if obj is None else ["user", "prefix", "created_at", "last_used_at"]

    def has_change_permission(self, request: Any, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: ApiToken | None = None) -> bool:
        return False

    def save_model(self, request: Any, obj: ApiToken, form: Any, change: bool) -> None:
        record, token = token_create(
            actor=request.user, user=obj.user, name=obj.name, expires_at=obj.expires_at
        )
        obj.pk = record.pk
        obj.refresh_from_db()
        self.message_user(request, _("New token, shown only now: %(token)s") % {"token": token})

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: Any, queryset: Any) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(actor=request.user, token=token)
        self.message_user(request, _("Tokens revoked."))
