from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "katalog.exchange"
    label = "exchange"

    def ready(self) -> None:
        from katalog.audit.services import audit_listener_add
        from katalog.exchange.outbox import outbox_record

        audit_listener_add(outbox_record)
