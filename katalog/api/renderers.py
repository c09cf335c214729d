"""How the API reads and writes JSON: bodies are objects; scripts as they are, no \\uXXXX
escapes."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class UnicodeJSONRenderer(JSONRenderer):
    """JSON that keeps Cyrillic and other scripts as they are (no \\uXXXX escapes)."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> str:
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


def rendered(request: HttpRequest, response: HttpResponse, data: Any) -> HttpResponse:
    """`response` (with the headers a view set on it) carrying `data` as the API renders it,
    without validating `data` against the operation's response schema again."""
    response.content = UnicodeJSONRenderer().render(
        request, data, response_status=response.status_code
    )
    return response


class ObjectBodyParser(Parser):
    """Request bodies are JSON objects: every operation's body is a schema of named fields,
    so `true`, `[]` or `"x"` is refused as a body that cannot be read (400 MALFORMED_BODY, as
    for broken JSON) rather than read as no fields at all."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the request body is not a JSON object")
        return data
