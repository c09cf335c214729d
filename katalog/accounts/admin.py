from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from katalog.accounts.models import Bureau, BureauCode, User


class BureauCodeInline(admin.TabularInline):
    model = BureauCode
    extra = 0


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "country", "user_code"]
    inlines = [BureauCodeInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [*BaseUserAdmin.fieldsets, ("katalog", {"fields": ["bureau", "unit_system", "expert_mode"]})]
    list_display = ["username", "bureau", "is_staff"]
