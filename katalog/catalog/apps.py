from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "katalog.catalog"
    label = "catalog"
