"""The REST API: one NinjaAPI at /api/v1/, routers per domain, problem+json errors."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from katalog.api.errors import install_error_handlers


class UnicodeJSONRenderer(JSONRenderer):
    """JSON that keeps Cyrillic and other scripts as they are (no \\uXXXX escapes)."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> str:
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


api = NinjaAPI(
    title="katalog API",
    version="1",
    description="Interstate cataloguing of items of supply.",
    renderer=UnicodeJSONRenderer(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)

# Routers register themselves here, one line per domain.
from katalog.api.routers import catalog as _catalog  # noqa: E402
from katalog.api.routers import classifiers as _classifiers  # noqa: E402
from katalog.api.routers import codification as _codification  # noqa: E402
from katalog.api.routers import jobs as _jobs  # noqa: E402
from katalog.api.routers import screening as _screening  # noqa: E402
from katalog.api.routers import search as _search  # noqa: E402

api.add_router("", _catalog.router)
api.add_router("/classifications", _classifiers.router)
api.add_router("/search", _search.router)
api.add_router("/screening", _screening.router)
api.add_router("/requests", _codification.router)
api.add_router("/jobs", _jobs.router)
