from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "katalog.jobs"
    label = "jobs"
