"""Fixtures of the API tests: users of bureaus with tokens, and a client speaking JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from katalog.accounts.tokens import token_create
from katalog.core.actors import SYSTEM_OPERATOR
from tests.factories import UserFactory, bureau


class TokenClient:
    """A Django test client sending `Authorization: Bearer` and JSON bodies."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        for name, value in (headers or {}).items():
            out["HTTP_" + name.upper().replace("-", "_")] = value
        return out

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Any:
        call = getattr(self.client, method.lower())
        if body is None:
            return call(path, **self._headers(headers))
        return call(
            path, data=json.dumps(body), content_type="application/json", **self._headers(headers)
        )

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.request("POST", path, body if body is not None else {}, **kw)

    def patch(self, path: str, body: Any, **kw: Any) -> Any:
        return self.request("PATCH", path, body, **kw)

    def put(self, path: str, body: Any, **kw: Any) -> Any:
        return self.request("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.request("DELETE", path, **kw)


def user_with_token(username: str, bureau_key: str | None) -> tuple[Any, str]:
    user = UserFactory(username=username, bureau=bureau(bureau_key) if bureau_key else None)
    _record, token = token_create(actor=SYSTEM_OPERATOR, user=user, name="tests")
    return user, token


@pytest.fixture
def ru_api(db) -> TokenClient:
    _user, token = user_with_token("ru-cataloguer", "RU")
    return TokenClient(token)


@pytest.fixture
def kz_api(db) -> TokenClient:
    _user, token = user_with_token("kz-cataloguer", "KZ")
    return TokenClient(token)


@pytest.fixture
def anonymous_api(db) -> TokenClient:
    return TokenClient(None)
