"""Marks every change made while serving a request as coming through the API or a page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from katalog.core.actors import Interface, acting_through

API_PREFIXES = ("/api/",)


class InterfaceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        interface = Interface.API if request.path.startswith(API_PREFIXES) else Interface.PAGE
        with acting_through(interface):
            return self.get_response(request)
