from django.contrib import admin

from katalog.names.models import (
    Characteristic,
    IdentificationGuide,
    ItemName,
    ReplyCode,
    ReplyTable,
)


class CharacteristicInline(admin.TabularInline):
    model = Characteristic
    extra = 0


@admin.register(IdentificationGuide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__"]
    inlines = [CharacteristicInline]


class ReplyCodeInline(admin.TabularInline):
    model = ReplyCode
    extra = 0


@admin.register(ReplyTable)
class ReplyTableAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__"]
    inlines = [ReplyCodeInline]


@admin.register(ItemName)
class ItemNameAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "__str__", "guide"]
    list_filter = ["kind"]
    search_fields = ["code", "search_text"]
