"""Every write operation of the OpenAPI document, tried by everyone who may not make it: refused,
and the data unchanged. The requests are made from the document (path parameters from the
owner's data, bodies from the request schemas), so a new write endpoint is tried too.

Before the strangers, the owner sends the same request inside a transaction that is rolled
back: where the owner's request would succeed, a stranger's refusal is about rights (401, 403,
or 404 for what they may not see), not about a body the operation would refuse anyway.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from katalog.api.main import api
from tests.hostile.conftest import World, table_digest

DOCUMENT = api.get_openapi_schema()
WRITE_METHODS = {"post", "put", "patch", "delete"}
# Creations whose effect lies in the caller's own bureau (a new number of their bureau, their
# own request, their own job or screening decision): for a person of another bureau they are
# legitimate, and tried only by the callers who may write nothing at all.
OWN_BUREAU_CREATIONS = {
    "item_create",
    "cancellation_propose",  # any bureau may propose; the assigning bureau decides
    "item_list_create",
    "request_create",
    "katalog_api_routers_jobs_submit",
    "katalog_api_routers_screening_screen_batch",
    "katalog_api_routers_screening_record_decision",
}
NOBODY_WRITES = ("anonymous", "expired token", "revoked token", "read-only token", "viewer")
NOT_SIGNED_IN = ("anonymous", "expired token", "revoked token")
# Reads that run as a job of their person (a parts list screened in the background, the
# nomenclature-reduction report over what they may read): every signed-in reader may start one,
# so only those who are not signed in are refused.
READING_JOBS = {"katalog_api_routers_screening_screen_batch", "reduction_start"}
# Field values that make a request the owner may send (the schemas give types, not meanings).
KNOWN_VALUES = {
    "supply_class": "5310", "item_name": "10101", "item_name_code": "10101", "manufacturer": "A901F",
    "manufacturer_code": "A901F", "number": "ВРАГ-1", "country": "RU", "code": "A902F",
    "names": {"en": "Hostile Works"}, "reason": "B", "kind": "import-items", "decision": "reject",
    "reject_reason": "other", "currency": "RUB", "price": "1.00", "unit_of_issue": "EA",
    "bureau": "RU", "reply": "12 mm", "verdict": "review", "justification": "other",
    "title": "Вражеская заявка", "priority": "routine", "release": "restricted",
    "subject": "hostile", "note": "",
}  # fmt: skip
# Values that differ by operation: a reference's justification code is one character.
OPERATION_VALUES = {
    "item_reference_add": {"justification": ""},
    "item_list_create": {
        "kind": "restrictive", "code": "ВРАГ-1", "name": "Вражеский перечень",
        "act_number": "1", "valid_from": "2026-01-01", "act_date": "2026-01-01",
    },
    "katalog_api_routers_screening_record_decision": {
        "decision": "not_duplicate", "justification": "other", "note": "a different item",
    },
}  # fmt: skip


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        return resolve(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in map(resolve, schema["allOf"]):
            merged["properties"] |= part.get("properties", {})
            merged["required"] += part.get("required", [])
        return merged
    return schema


def example(schema: dict[str, Any], name: str = "", known: dict[str, Any] = KNOWN_VALUES) -> Any:
    """A value the schema accepts, preferring the known meaning of the field."""
    if name in known:
        return known[name]
    schema = resolve(schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        wanted = set(schema.get("required", [])) | (set(properties) & set(known))
        return {key: example(sub, key, known) for key, sub in properties.items() if key in wanted}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return "x" * max(1, schema.get("minLength", 1))


def path_values(path: str, world: World) -> dict[str, str]:
    manufacturer_path = path.startswith("/api/v1/manufacturers/")
    return {
        "number": world.item.catalogue_number,
        "reference_id": str(world.reference_id),
        "code": world.manufacturer_code if manufacturer_path else "THDD",
        "bureau": "RU",
        "request_id": str(world.request_id),
        "position": "1",
        "transition": "submit",
        "job_id": str(world.job_id),
        "candidate_id": "1",
        "document_id": str(world.document_id),
        "list_id": str(world.list_id),
        "proposal_id": str(world.proposal_id),
        "member": world.other_item.catalogue_number,
    }


def write_operations() -> list[tuple[str, str, dict[str, Any]]]:
    return sorted(
        (path, method, operation)
        for path, operations in DOCUMENT["paths"].items()
        for method, operation in operations.items()
        if method in WRITE_METHODS and {} not in (operation.get("security") or [])
    )


OPERATIONS = write_operations()


def known_values(operation: dict[str, Any], world: World) -> dict[str, Any]:
    other = world.other_item.catalogue_number
    # The item put on a list is one not on it yet.
    listed = {"item": other} if operation["operationId"] == "item_list_entry_add" else {}
    if operation["operationId"] == "cancellation_propose":  # the item under no open proposal
        listed = {"item": world.item.catalogue_number}
    return {**KNOWN_VALUES, "kept": other, "replacement": other, "catalogue_number": world.item.catalogue_number,
            **OPERATION_VALUES.get(operation["operationId"], {}), **listed}  # fmt: skip


def send(
    client: Client,
    method: str,
    path: str,
    operation: dict[str, Any],
    token: str | None,
    etag: str,
    world: World,
) -> Any:
    known = known_values(operation, world)
    headers = {"HTTP_IF_MATCH": etag}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    content = operation.get("requestBody", {}).get("content", {})
    call = getattr(client, method)
    if "multipart/form-data" in content:
        form = example(content["multipart/form-data"]["schema"], known=known)
        from django.core.files.uploadedfile import SimpleUploadedFile

        form["file"] = SimpleUploadedFile(
            "parts.csv", b"catalogue_number;item_name_code\n5310-57-000-0001;10101\n"
        )
        return call(path, data=form, **headers)
    if "application/json" in content:
        body = example(content["application/json"]["schema"], known=known)
        return call(path, data=json.dumps(body), content_type="application/json", **headers)
    return call(path, **headers)


def concrete(path: str, world: World) -> str:
    for name, value in path_values(path, world).items():
        path = path.replace("{" + name + "}", value)
    return path


def owner_would_succeed(
    client: Client, method: str, path: str, operation, world: World, etag: str
) -> bool:
    with transaction.atomic():
        answer = send(client, method, path, operation, world.tokens["owner"], etag, world)
        transaction.set_rollback(True)
    return answer.status_code < 300


def current_etag(client: Client, path: str, world: World) -> str:
    """The ETag of the record the operation changes, as its owner reads it."""
    owner = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['owner']}"}
    if path.startswith("/api/v1/manufacturers/"):
        return client.get(f"/api/v1/manufacturers/{world.manufacturer_code}", **owner)["ETag"]
    if "/lines/" in path:
        return 'W/"1"'
    if path.startswith("/api/v1/requests/"):
        return client.get(f"/api/v1/requests/{world.request_id}", **owner)["ETag"]
    if path.startswith("/api/v1/documents/"):
        return client.get(f"/api/v1/documents/{world.document_id}", **owner)["ETag"]
    return client.get(f"/api/v1/items/{world.item.catalogue_number}", **owner)["ETag"]


@pytest.mark.parametrize(
    ("path", "method", "operation"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _o in OPERATIONS]
)
def test_writes_are_refused_to_everyone_who_may_not_make_them(
    world, tally, path, method, operation
):
    client = Client()
    url = concrete(path, world)
    etag = current_etag(client, path, world)
    succeeds = owner_would_succeed(client, method, url, operation, world, etag)
    operation_id = operation["operationId"]
    callers = list(NOT_SIGNED_IN if operation_id in READING_JOBS else NOBODY_WRITES)
    if operation_id not in OWN_BUREAU_CREATIONS | READING_JOBS:
        callers.append("another bureau")
    before = table_digest()
    for caller in callers:
        answer = send(client, method, url, operation, world.tokens[caller], etag, world)
        changed = table_digest() != before
        tally.record(f"{caller}: {method.upper()} {path}", answer.status_code, changed)
        assert answer.status_code < 500, (caller, answer.content[:300])
        assert answer.status_code >= 400, (caller, answer.status_code, answer.content[:300])
        assert not changed, caller
        if caller in NOT_SIGNED_IN:
            assert answer.status_code == 401, (caller, answer.content[:300])
        elif succeeds:
            assert answer.status_code in (403, 404), (
                caller,
                answer.status_code,
                answer.content[:300],
            )


def test_the_suite_covers_every_write_operation_of_the_document():
    """A write operation left out of the suite would be a hole: every one is in it."""
    assert len(OPERATIONS) >= 20
    ids = {operation["operationId"] for _p, _m, operation in OPERATIONS}
    assert {
        "item_create",
        "item_cancel_duplicate",
        "item_management_set",
        "request_transition",
    } <= ids
