from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "katalog.web"
    label = "web"
