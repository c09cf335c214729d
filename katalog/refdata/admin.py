from django.contrib import admin

from katalog.refdata.models import (
    CodeTable,
    CodeValue,
    Country,
    Currency,
    SupplyClass,
    SupplyGroup,
    UnitOfMeasure,
)


class CodeValueInline(admin.TabularInline):
    model = CodeValue
    extra = 0


@admin.register(CodeTable)
class CodeTableAdmin(admin.ModelAdmin):
    list_display = ["key", "drn"]
    inlines = [CodeValueInline]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["alpha2", "alpha3", "numeric", "__str__"]
    search_fields = ["alpha2", "alpha3"]


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ["alpha3", "numeric", "__str__"]


@admin.register(UnitOfMeasure)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "symbol", "quantity", "pint_unit", "status"]
    search_fields = ["code", "symbol", "quantity"]
    list_filter = ["status"]


@admin.register(SupplyGroup)
class SupplyGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__", "valid_from", "valid_to"]


@admin.register(SupplyClass)
class SupplyClassAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__", "valid_from", "valid_to"]
    search_fields = ["code"]
    list_filter = ["group_code"]
