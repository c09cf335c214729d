"""WSGI entry point (gunicorn serves katalog through WSGI: measured faster than ASGI here)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "katalog.config.settings")
application = get_wsgi_application()

from katalog.core.security import require_serving_settings  # noqa: E402 (needs the settings)

require_serving_settings()
