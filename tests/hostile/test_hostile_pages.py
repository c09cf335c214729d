"""Every page of the URL configuration, posted to by everyone who may not change the data: the
data stays as it was and no page answers with a server error. The URLs come from the URL
configuration, their parameters from the owner's data, so a new page is tried too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.hostile.conftest import World, table_digest

SKIPPED_PREFIXES = ("admin/", "api/")  # the operator's admin site; the API has its own suite
FORM = {
    "title": "Вражеская", "priority": "routine", "item_name": "10101", "supply_class": "5310",
    "reason": "hostile", "row_version": "1", "kind": "items", "format": "csv", "unit_system": "metric",
    "line1-decision": "reject", "line1-reject_reason": "other", "line1-row_version": "1",
    "ref_number_1": "ВРАГ-2", "ref_maker_1": "A901F",
}  # fmt: skip


def patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += patterns(entry, route)
        elif isinstance(entry, URLPattern) and not route.startswith(SKIPPED_PREFIXES):
            found.append(route)
    return sorted(set(found))


def concrete(route: str, world: World) -> str:
    values = {
        "<str:number>": world.item.catalogue_number, "<int:request_id>": str(world.request_id),
        "<int:position>": "1", "<str:name>": "submit", "<int:job_id>": str(world.job_id),
        "<str:code>": "5310", "<slug:version>": "isic-rev-4", "<int:pk>": "1",
        "<uidb64>": "MQ", "<token>": "set-password", "<int:candidate_id>": "1",
        "<int:document_id>": "1", "<int:cluster_id>": "1", "<int:list_id>": str(world.list_id),
        "<int:proposal_id>": str(world.proposal_id),
    }  # fmt: skip
    for placeholder, value in values.items():
        route = route.replace(placeholder, value)
    if "<" in route or "^" in route:
        return ""
    return "/" + route.replace("classification/classes/5310", "classification/classes/5310")


ROUTES = patterns()
# Pages whose effect lies in the caller's own data (their own request, their own export job):
# legitimate for these callers, so tried only by the others.
OWN_CREATIONS = {
    "requests/new/": {"another bureau"},
    "jobs/export/": {"viewer", "another bureau"},
    "quality/reduction/": {"viewer", "another bureau"},  # their own run of the report
}


def test_the_url_configuration_gives_the_pages_that_change_data():
    assert {"requests/new/", "requests/<int:request_id>/<str:name>/", "jobs/import/"} <= set(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_posting_to_any_page_changes_nothing_for_those_who_may_not(world, tally, route):
    url = concrete(route, world)
    if not url:
        pytest.fail(f"no value for the parameters of {route}: add one to `concrete`")
    before = table_digest()
    callers = [
        c
        for c in ("anonymous", "viewer", "another bureau")
        if c not in OWN_CREATIONS.get(route, set())
    ]
    for caller in callers:
        client = Client()
        if caller != "anonymous":
            client.force_login(world.users[caller])
        answer = client.post(url, FORM)
        changed = table_digest() != before
        # A page that only reads may answer 200 to a POST; what counts is that nothing changed.
        tally.record(
            f"{caller}: POST /{route}", answer.status_code, changed, success_is_acceptance=False
        )
        assert answer.status_code < 500, (caller, route, answer.content[:300])
        assert not changed, (caller, route)
