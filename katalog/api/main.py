"""The REST API: one NinjaAPI at /api/v1/, routers per domain, problem+json errors.

Reads of catalogue data are public; writes need a token or the session (see `auth.py`).
Every error, including unknown routes (404) and unsupported methods (405), is problem+json.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from katalog.api.auth import ANONYMOUS_SCHEME
from katalog.api.errors import (
    PROBLEM_CONTENT_TYPE,
    ApiErrorCode,
    install_error_handlers,
    problem_response,
)
from katalog.api.renderers import ObjectBodyParser, UnicodeJSONRenderer
from katalog.api.schemas import ETAG_MARKER, PAGINATED_MARKER


def _unknown_route(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
    return problem_response(
        request,
        status=404,
        code=ApiErrorCode.ROUTE_NOT_FOUND,
        title=_("Not found"),
        detail=_("There is no endpoint at %(path)s") % {"path": request.path},
    )


_unknown_route.csrf_exempt = True  # type: ignore[attr-defined]


def _problem_for_not_allowed(view: Any) -> Any:
    """ninja answers an unsupported method with a bare 405; make it a problem with `Allow`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            problem = problem_response(
                request,
                status=405,
                code=ApiErrorCode.METHOD_NOT_ALLOWED,
                title=_("Method not allowed"),
                detail=_("%(method)s is not allowed here; use %(allowed)s")
                % {"method": request.method, "allowed": response["Allow"]},
            )
            problem["Allow"] = response["Allow"]
            return problem
        return response

    return wrapper


MALFORMED_REQUEST = {
    "description": "The request cannot be read: a parameter holds a NUL character, or the body"
    " cannot be parsed (not JSON, not the declared form)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


ETAG_HEADER = {
    "description": 'The version of the record, for `If-Match` on a later change: W/"<version>"',
    "required": True,
    "schema": {"type": "string"},
}
LINK_HEADER = {
    "description": 'The next page, `<…?after=…>; rel="next"`, when there is one',
    "required": False,
    "schema": {"type": "string"},
}


def _document_headers(operation: dict[str, Any]) -> None:
    """Turn the markers of `schemas.SENDS_ETAG` / `schemas.PAGINATED` into response headers."""
    headers = {}
    if operation.pop(ETAG_MARKER, False):
        headers["ETag"] = ETAG_HEADER
    if operation.pop(PAGINATED_MARKER, False):
        headers["Link"] = LINK_HEADER
    for status, answer in operation.get("responses", {}).items():
        if headers and str(status).startswith("2"):
            answer.setdefault("headers", {}).update(headers)


def _problems_as_problem_json(schema: dict[str, Any]) -> None:
    """Error responses are sent as `application/problem+json`; say so in the document. Every
    operation may answer 400 for a request that cannot be read at all (`core.limits`)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            _document_headers(operation)
            operation["responses"].setdefault(400, MALFORMED_REQUEST)
            for status, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                if str(status)[0] in "45" and "application/json" in content:
                    answer["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}


def _anonymous_as_optional_security(schema: dict[str, Any]) -> None:
    """Reads open to anonymous visitors (where the installation allows it) declare the empty
    security requirement `{}` beside the token and the session, as OpenAPI spells "optional"."""
    schemes = schema.get("components", {}).get("securitySchemes", {})
    schemes.pop(ANONYMOUS_SCHEME, None)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            security = operation.get("security") if isinstance(operation, dict) else None
            if security and {ANONYMOUS_SCHEME: []} in security:
                operation["security"] = [s for s in security if ANONYMOUS_SCHEME not in s] + [{}]


class KatalogAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        _problems_as_problem_json(schema)
        _anonymous_as_optional_security(schema)
        return schema

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _problem_for_not_allowed(pattern.callback)
        # Last: anything else under /api/v1/ is an unknown route, answered as a problem.
        # Any character: a path may hold an encoded line break (%0A), which `.` would not match.
        urls.append(re_path(r"^[\s\S]*$", _unknown_route, name="unknown-route"))
        return urls


api = KatalogAPI(
    title="katalog API",
    version="1",
    description=(
        "Interstate cataloguing of items of supply. Reads of catalogue data take a token or the "
        "session, or none where the installation allows public reading (and then show the "
        "public part only); writes need `Authorization: Bearer <token>` (`katalog token create "
        "USER`) or the logged-in session with its CSRF token. Updates send the ETag they read in `If-Match`. Lists are "
        "keyset-paginated: pass the `next` value of a page as `after`. Errors are "
        "`application/problem+json` with a stable `code`."
    ),
    renderer=UnicodeJSONRenderer(),
    parser=ObjectBodyParser(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)

# Routers register themselves here, one line per domain.
from katalog.api.routers import accounts as _accounts  # noqa: E402
from katalog.api.routers import cancellations as _cancellations  # noqa: E402
from katalog.api.routers import catalog as _catalog  # noqa: E402
from katalog.api.routers import classifiers as _classifiers  # noqa: E402
from katalog.api.routers import codification as _codification  # noqa: E402
from katalog.api.routers import control_lists as _control_lists  # noqa: E402
from katalog.api.routers import exchange as _exchange  # noqa: E402
from katalog.api.routers import interchange as _interchange  # noqa: E402
from katalog.api.routers import jobs as _jobs  # noqa: E402
from katalog.api.routers import lists as _lists  # noqa: E402
from katalog.api.routers import manufacturers as _manufacturers  # noqa: E402
from katalog.api.routers import nomenclature as _nomenclature  # noqa: E402
from katalog.api.routers import quality as _quality  # noqa: E402
from katalog.api.routers import reference_data as _reference_data  # noqa: E402
from katalog.api.routers import screening as _screening  # noqa: E402
from katalog.api.routers import search as _search  # noqa: E402

api.add_router("", _catalog.router)
api.add_router("", _accounts.router)
api.add_router("", _manufacturers.router)
api.add_router("", _reference_data.router)
api.add_router("", _control_lists.router)
api.add_router("", _interchange.router)
api.add_router("/classifications", _classifiers.router)
api.add_router("/search", _search.router)
api.add_router("/screening", _screening.router)
api.add_router("/requests", _codification.router)
api.add_router("/cancellation-proposals", _cancellations.router)
api.add_router("/jobs", _jobs.router)
api.add_router("/exchange", _exchange.router)
api.add_router("/quality", _quality.router)
api.add_router("/documents", _nomenclature.router)
api.add_router("/lists", _lists.router)
api.add_router("/export", "katalog.api.routers.export.router")
