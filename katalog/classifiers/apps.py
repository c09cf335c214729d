from django.apps import AppConfig


class ClassifiersConfig(AppConfig):
    name = "katalog.classifiers"
    label = "classifiers"
