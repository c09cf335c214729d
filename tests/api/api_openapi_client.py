"""A generic HTTP client made at run time from an OpenAPI document: operations are called by
their `operationId` with the parameters the document declares, and nothing else. No URL is
written by hand; an undeclared parameter, an undocumented status or a missing declared header
is an error."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any


class UndocumentedAnswer(AssertionError):
    pass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any

    def header(self, name: str) -> str | None:
        return {k.lower(): v for k, v in self.headers.items()}.get(name.lower())


@dataclass
class Operation:
    method: str
    path: str
    parameters: dict[str, dict[str, Any]]  # python name -> the parameter object
    body_types: list[str]
    responses: set[str]
    required_headers: dict[str, list[str]] = field(default_factory=dict)  # status -> header names
    secured: bool = field(default=False)


def python_name(name: str) -> str:
    return name.lower().replace("-", "_")


class OpenAPIClient:
    def __init__(self, base_url: str, document_path: str, token: str | None = None) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"the API is reached over http(s), not {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.document = self._fetch("GET", document_path, None, {}).body
        self.operations = {
            operation["operationId"]: Operation(
                method=method.upper(),
                path=path,
                parameters={python_name(p["name"]): p for p in operation.get("parameters", [])},
                body_types=list(operation.get("requestBody", {}).get("content", {})),
                responses=set(operation["responses"]),
                required_headers={
                    status: [
                        name
                        for name, header in answer.get("headers", {}).items()
                        if header.get("required")
                    ]
                    for status, answer in operation["responses"].items()
                },
                secured=bool(operation.get("security")),
            )
            for path, operations in self.document["paths"].items()
            for method, operation in operations.items()
        }

    def as_user(self, token: str) -> OpenAPIClient:
        other = object.__new__(OpenAPIClient)
        other.__dict__.update(self.__dict__, token=token)
        return other

    def __getattr__(self, operation_id: str) -> Any:
        if operation_id.startswith("_") or operation_id not in self.__dict__.get("operations", {}):
            raise AttributeError(operation_id)
        return lambda body=None, **params: self.call(operation_id, body, **params)

    def call(self, operation_id: str, body: Any = None, **params: Any) -> Answer:
        operation = self.operations[operation_id]
        unknown = set(params) - set(operation.parameters)
        if unknown:
            raise TypeError(f"{operation_id} declares no parameter {sorted(unknown)}")
        if body is not None and "application/json" not in operation.body_types:
            raise TypeError(f"{operation_id} takes no JSON body")
        path, query, headers = operation.path, {}, {}
        for name, value in params.items():
            parameter = operation.parameters[name]
            if parameter["in"] == "path":
                path = path.replace(
                    "{" + parameter["name"] + "}", urllib.parse.quote(str(value), safe="")
                )
            elif parameter["in"] == "query":
                query[parameter["name"]] = value
            elif parameter["in"] == "header":
                headers[parameter["name"]] = str(value)
        missing = [
            p["name"]
            for p in operation.parameters.values()
            if p.get("required") and python_name(p["name"]) not in params
        ]
        if missing:
            raise TypeError(f"{operation_id} needs {missing}")
        if query:
            path += "?" + urllib.parse.urlencode(query)
        answer = self._fetch(operation.method, path, body, headers)
        if str(answer.status) not in operation.responses:
            raise UndocumentedAnswer(
                f"{operation_id} answered {answer.status}, "
                f"not in {sorted(operation.responses)}: {answer.body}"
            )
        for name in operation.required_headers.get(str(answer.status), []):
            if answer.header(name) is None:
                raise UndocumentedAnswer(
                    f"{operation_id} answered {answer.status} without its header {name}"
                )
        return answer

    def _fetch(self, method: str, path: str, body: Any, headers: dict[str, str]) -> Answer:
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers = {**headers, "Content-Type": "application/json"}
        if self.token:
            headers = {**headers, "Authorization": f"Bearer {self.token}"}
        request = urllib.request.Request(  # noqa: S310 (base_url is checked to be http(s))
            self.base_url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (the request above)
                status, raw, answer_headers = (
                    response.status,
                    response.read(),
                    dict(response.headers),
                )
        except urllib.error.HTTPError as error:
            status, raw, answer_headers = error.code, error.read(), dict(error.headers)
        content = json.loads(raw) if raw else None
        return Answer(status, answer_headers, content)
