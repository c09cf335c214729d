from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "katalog.core"
    label = "core"
    verbose_name = "katalog core"

    def ready(self) -> None:
        # After the admin app's autodiscovery (it comes first in INSTALLED_APPS).
        from katalog.core.admin_site import make_admin_read_only

        make_admin_read_only()
