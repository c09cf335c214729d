"""Read-mostly admin for the classification server (changes go through services)."""

from django.contrib import admin

from katalog.classifiers import models


@admin.register(models.Classification)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ["slug", "family", "owner"]


@admin.register(models.Version)
class VersionAdmin(admin.ModelAdmin):
    list_display = ["slug", "classification", "valid_from", "valid_to", "status"]
    list_filter = ["classification", "status"]


@admin.register(models.Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "level", "parent"]
    list_filter = ["version"]
    search_fields = ["code", "search_text"]
    raw_id_fields = ["parent", "level", "version"]


@admin.register(models.CorrespondenceTable)
class CorrespondenceTableAdmin(admin.ModelAdmin):
    list_display = ["slug", "source", "target", "kind", "method"]


@admin.register(models.ValidationFinding)
class ValidationFindingAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "table", "source_file", "line", "item_code", "action"]
    list_filter = ["code", "version"]


@admin.register(models.ManufacturerActivity)
class ManufacturerActivityAdmin(admin.ModelAdmin):
    list_display = ["manufacturer", "item", "is_primary"]
    raw_id_fields = ["manufacturer", "item"]
