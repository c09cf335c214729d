from django.apps import AppConfig


class NomenclatureConfig(AppConfig):
    name = "katalog.nomenclature"
    label = "nomenclature"
