from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "katalog.exchange"
    label = "exchange"

    def ready(self) -> None:
        from katalog.audit.services import audit_listener_add
        from katalog.exchange.outbox import outbox_record

        audit_listener_add(outbox_record)

        from django.conf import settings

        from katalog.core.periodic import periodic_register
        from katalog.exchange.http import pull_all

        periodic_register("exchange-pull", lambda: float(settings.EXCHANGE_PULL_SECONDS), pull_all)
