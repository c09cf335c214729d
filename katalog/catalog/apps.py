from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "katalog.catalog"
    label = "catalog"

    def ready(self) -> None:
        from katalog.audit.labels import register_actions
        from katalog.catalog.models import ImportAction, ItemAction, ManufacturerAction

        register_actions(ItemAction)
        register_actions(ImportAction)
        register_actions(ManufacturerAction)
