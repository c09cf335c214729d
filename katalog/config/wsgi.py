"""WSGI entry point (gunicorn serves katalog through WSGI: measured faster than ASGI here)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "katalog.config.settings")
application = get_wsgi_application()
