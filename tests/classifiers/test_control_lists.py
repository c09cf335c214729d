"""Dual-use marking: the EU dual-use list ships as a versioned classification; the assigning
bureau marks its items with the list's entries; the item page, the API and search show the
marks only where the release rules open the item to the reader."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from katalog.api.schemas.catalog import ItemOut
from katalog.catalog import services as catalog_services
from katalog.classifiers import selectors, services
from katalog.classifiers.choices import ClassificationKind
from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.classifiers.loaders import load_shipped_classifiers
from katalog.classifiers.models import Classification, ControlListMark, Version
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import PermissionDenied, PreconditionFailed, ValidationFailed
from katalog.search.selectors import search, search_query_from_params
from tests.api.conftest import TokenClient, user_with_token
from tests.factories import UserFactory, bureau, history_of, make_item

pytestmark = pytest.mark.django_db

LIST = "eu-dual-use"
VERSION = "eu-dual-use-2024"


def ref(code: str, **kw) -> services.EntryRef:
    return services.EntryRef(list=kw.pop("list", LIST), code=code, **kw)


@pytest.fixture
def marked():
    """A public RU item marked 3A, a restricted RU item marked 5D, an unmarked public item."""
    public = make_item("RU", name_text="ГАЙКА ДВОЙНОГО НАЗНАЧЕНИЯ")
    secret = make_item("RU", name_text="ГАЙКА ЗАКРЫТАЯ", release="restricted")
    plain = make_item("RU", name_text="ГАЙКА ОБЫЧНАЯ")
    services.control_entries_set(actor=SYSTEM_INIT, item=public, entries=[ref("3A")])
    services.control_entries_set(actor=SYSTEM_INIT, item=secret, entries=[ref("5D")])
    return public, secret, plain


# --- the shipped list ------------------------------------------------------------------------


def test_the_shipped_list_is_a_versioned_control_list_classification():
    listed = Classification.objects.get(slug=LIST)
    assert listed.kind == ClassificationKind.CONTROL_LIST
    assert list(selectors.control_list_list()) == [listed]
    version = selectors.version_at(classification=listed, on=dt.date(2025, 6, 1))
    assert version.slug == VERSION
    assert version.valid_from == dt.date(2024, 11, 15)
    levels = [level.slug for level in version.levels.order_by("number")]
    assert levels == ["category", "group"]
    categories = selectors.codes_at(version=version, on=dt.date(2025, 6, 1), level="category")
    assert [c.item.code for c in categories] == [str(n) for n in range(10)]
    groups = selectors.item_children(
        version=version, item=selectors.item_get(version=version, code="3")
    )
    assert [g.code for g in groups] == ["3A", "3B", "3C", "3D", "3E"]
    electronics = selectors.item_get(version=version, code="3")
    assert electronics.names["en"] == "Electronics"
    assert electronics.names["ru"] == "Электроника"
    software = selectors.item_get(version=version, code="5D")
    assert software.parent.code == "5"
    assert software.names["en"] == "Software"
    # Every interface language has a title for every code.
    for item in version.items.all():
        assert set(item.names) == {"en", "ru", "kk", "ky", "hy", "be", "tg", "uz"}, item.code


def test_the_economic_activity_classifications_stay_of_their_kind():
    assert Classification.objects.get(slug="nace").kind == ClassificationKind.ACTIVITY


def test_loading_again_creates_nothing():
    before = Version.objects.get(slug=VERSION).items.count()
    result = load_shipped_classifiers()
    assert result["created"]["versions"] == 0
    assert Version.objects.get(slug=VERSION).items.count() == before == 60


def test_a_national_list_is_imported_as_a_version_of_its_own_control_list(tmp_path):
    source = tmp_path / "ru-control.csv"
    source.write_text(
        "code,level,parent,name_en,name_ru\n"
        "3,category,,Electronics,Электроника\n"
        '3A,group,3,"Systems, equipment and components","Системы, оборудование и компоненты"\n'
        "3A001,entry,3A,Electronic components,Электронные компоненты\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command(
        "classifier", "new-control-list", "--slug", "ru-control", "--name", "National list",
        "--owner", "RU", stdout=out,
    )  # fmt: skip
    call_command(
        "classifier", "import", str(source), "--classification", "ru-control",
        "--slug", "ru-control-2025", "--name", "2025", "--valid-from", "2025-01-01", stdout=out,
    )  # fmt: skip
    assert "Imported ru-control-2025: 3 codes." in out.getvalue()
    listed = Classification.objects.get(slug="ru-control")
    assert listed.kind == ClassificationKind.CONTROL_LIST
    assert listed.family.slug == "export-control"
    version = Version.objects.get(slug="ru-control-2025")
    assert selectors.item_get(version=version, code="3A001").parent.code == "3A"
    # Compared with the EU list like any two versions.
    changes = selectors.changes_between(source=Version.objects.get(slug=VERSION), target=version)
    kinds = {(c.kind, *c.source_codes, *c.target_codes) for c in changes.changes}
    assert ("new", "3A001") in kinds
    assert ("removed", "5D") in kinds
    assert not any(kind == "renamed" for kind, *_codes in kinds)
    item = make_item("RU")
    services.control_entries_set(
        actor=SYSTEM_INIT, item=item, entries=[ref("3a001", list="ru-control")]
    )
    shown = selectors.control_entries(niin=item.niin, reader=SYSTEM_INIT, language="ru")
    assert [(e.list, e.version, e.code, e.title, e.category) for e in shown] == [
        ("ru-control", "ru-control-2025", "3A001", "Электронные компоненты", "3")
    ]
    with pytest.raises(CommandError, match="CLASSIFICATION_EXISTS"):
        call_command("classifier", "new-control-list", "--slug", "ru-control", "--name", "Again")


# --- marking ---------------------------------------------------------------------------------


def test_the_assigning_bureau_marks_its_item_and_the_history_says_so():
    cataloguer = UserFactory(username="ru-marker", bureau=bureau("RU"))
    item = make_item("RU")
    version = item.row_version
    marks = services.control_entries_set(
        actor=cataloguer, item=item, entries=[ref("3A"), ref("5D")], expected_version=version
    )
    assert [m.entry.code for m in marks] == ["3A", "5D"]
    item.refresh_from_db()
    assert item.row_version == version + 1
    entry = history_of(item)[-1]
    assert entry.action == "control_entries_set"
    assert entry.changes["after"] == {"control_entries": [f"{VERSION} 3A", f"{VERSION} 5D"]}
    assert entry.bureau_key == "RU"
    # The same set again changes nothing.
    services.control_entries_set(actor=cataloguer, item=item, entries=[ref("5D"), ref("3A")])
    item.refresh_from_db()
    assert item.row_version == version + 1
    # An empty set clears them.
    services.control_entries_set(actor=cataloguer, item=item, entries=[])
    assert not ControlListMark.objects.filter(item=item).exists()


def test_another_bureau_may_not_mark_the_item():
    outsider = UserFactory(username="kz-marker", bureau=bureau("KZ"))
    item = make_item("RU")
    catalog_services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("KZ"))
    with pytest.raises(PermissionDenied):
        services.control_entries_set(actor=outsider, item=item, entries=[ref("3A")])
    viewer = UserFactory(username="ru-view-marker", bureau=bureau("RU"), roles=["viewer"])
    with pytest.raises(PermissionDenied):
        services.control_entries_set(actor=viewer, item=item, entries=[ref("3A")])
    assert not ControlListMark.objects.filter(item=item).exists()


def test_a_stale_version_is_refused():
    item = make_item("RU")
    with pytest.raises(PreconditionFailed):
        services.control_entries_set(
            actor=SYSTEM_INIT, item=item, entries=[ref("3A")], expected_version=item.row_version + 5
        )


def test_bad_entries_are_all_reported_and_nothing_changes():
    item = make_item("RU")
    services.control_entries_set(actor=SYSTEM_INIT, item=item, entries=[ref("3A")])
    with pytest.raises(ValidationFailed) as refused:
        services.control_entries_set(
            actor=SYSTEM_INIT,
            item=item,
            entries=[
                ref("3Z"),
                ref("25.11", list="nace"),
                ref("1C"),
                ref("1C"),
                ref("X", list="nope"),
            ],
        )
    codes = [(e.field, e.code) for e in refused.value.errors]
    assert codes == [
        ("entries[0].code", E.CONTROL_ENTRY_NOT_FOUND),
        ("entries[1].list", E.NOT_A_CONTROL_LIST),
        ("entries[3].code", E.CONTROL_ENTRY_DUPLICATE),
        ("entries[4].list", E.CLASSIFICATION_NOT_FOUND),
    ]
    assert [m.entry.code for m in ControlListMark.objects.filter(item=item)] == ["3A"]


# --- reading ---------------------------------------------------------------------------------


def test_a_reader_outside_the_release_sees_no_marks(marked):
    public, secret, _plain = marked
    kz = UserFactory(username="kz-reader", bureau=bureau("KZ"), roles=["viewer"])
    ru = UserFactory(username="ru-reader", bureau=bureau("RU"), roles=["viewer"])
    assert [e.code for e in selectors.control_entries(niin=public.niin, reader=kz)] == ["3A"]
    assert selectors.control_entries(niin=secret.niin, reader=kz) == []
    assert [e.code for e in selectors.control_entries(niin=secret.niin, reader=ru)] == ["5D"]
    assert selectors.control_entries(niin=secret.niin, reader=None) == []
    both = selectors.control_entries_of_items([public.pk, secret.pk], reader=kz)
    assert list(both) == [public.pk]


def test_the_item_page_shows_the_entry_in_the_readers_language(marked, client):
    public, _secret, _plain = marked
    client.force_login(UserFactory(username="ru-page", bureau=bureau("RU"), roles=["viewer"]))
    page = client.get(f"/items/{public.catalogue_number}/", HTTP_ACCEPT_LANGUAGE="ru")
    text = page.content.decode()
    assert page.status_code == 200
    assert "3A" in text
    assert "Электроника: Системы, оборудование и компоненты" in text
    assert "Список продукции двойного назначения ЕС" in text
    assert "Делегированного регламента (ЕС) 2024/2547" in text


def test_the_item_page_of_a_restricted_item_hides_its_entry_from_an_outsider(marked):
    _public, secret, _plain = marked
    outsider = Client()
    outsider.force_login(UserFactory(username="kz-page", bureau=bureau("KZ"), roles=["viewer"]))
    text = outsider.get(f"/items/{secret.catalogue_number}/").content.decode()
    assert secret.catalogue_number in text
    assert 'id="control"' not in text
    # The entry as the page links it (a bare "5D" may turn up in a random token of the page).
    assert ">5D</a>" not in text
    assert "Telecommunications" not in text
    assert "Телекоммуникации" not in text
    insider = Client()
    insider.force_login(UserFactory(username="ru-page2", bureau=bureau("RU"), roles=["viewer"]))
    text = insider.get(f"/items/{secret.catalogue_number}/").content.decode()
    # The reader's language is their bureau's unless they choose another.
    assert ">5D</a>" in text
    assert "Телекоммуникации и «защита информации»" in text


def test_the_api_item_has_its_control_entries(marked):
    public, secret, _plain = marked
    _user, token = user_with_token("kz-api-marks", "KZ")
    kz = TokenClient(token)
    body = kz.get(f"/api/v1/items/{public.niin}?lang=en").json()
    assert body["control_entries"] == [
        {
            "list": LIST,
            "list_name": "EU list of dual-use items (Regulation (EU) 2021/821, Annex I)",
            "version": VERSION,
            "version_name": "Annex I as amended by Delegated Regulation (EU) 2024/2547",
            "code": "3A",
            "title": "Systems, equipment and components",
            "category": "3",
            "category_title": "Electronics",
        }
    ]
    assert ItemOut.model_validate(body).model_dump(mode="json") == body
    hidden = kz.get(f"/api/v1/items/{secret.niin}").json()
    assert hidden["restricted"] is True
    assert hidden["control_entries"] == []
    assert kz.get(f"/api/v1/items/{secret.niin}/control-entries").json() == []


def test_the_api_sets_the_entries_under_the_items_version():
    _user, token = user_with_token("ru-api-marks", "RU")
    ru = TokenClient(token)
    item = make_item("RU")
    path = f"/api/v1/items/{item.catalogue_number}/control-entries?lang=en"
    body = {"entries": [{"list": LIST, "code": "9E"}]}
    assert ru.put(path, body).status_code == 428
    stale = ru.put(path, body, headers={"If-Match": 'W/"99"'})
    assert stale.status_code == 412
    done = ru.put(path, body, headers={"If-Match": f'W/"{item.row_version}"'})
    assert done.status_code == 200, done.content
    assert done["ETag"] == f'W/"{item.row_version + 1}"'
    assert [(e["code"], e["category_title"]) for e in done.json()["entries"]] == [
        ("9E", "Aerospace and propulsion")
    ]
    bad = ru.put(
        path,
        {"entries": [{"list": LIST, "code": "9Q"}]},
        headers={"If-Match": f'W/"{item.row_version + 1}"'},
    )
    assert bad.status_code == 422
    assert bad["Content-Type"].startswith("application/problem+json")
    assert bad.json()["code"] == E.CONTROL_ENTRY_NOT_FOUND
    _kz, kz_token = user_with_token("kz-api-marks2", "KZ")
    refused = TokenClient(kz_token).put(
        path, body, headers={"If-Match": f'W/"{item.row_version + 1}"'}
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "NOT_ASSIGNING_BUREAU"


# --- search ----------------------------------------------------------------------------------


def _numbers(page) -> list[str]:
    return sorted(h["niin"] for h in page.hits)


def test_search_filters_by_entry_and_by_any_entry(marked):
    public, secret, plain = marked
    params = {"q": "ГАЙКА", "control": "3A"}
    assert _numbers(search(search_query_from_params(params), lang="en", reader=SYSTEM_INIT)) == [
        public.niin
    ]
    by_category = search(search_query_from_params({"control": "5"}), lang="en", reader=SYSTEM_INIT)
    assert _numbers(by_category) == [secret.niin]
    within = search(
        search_query_from_params({"control": f"{LIST}:3"}), lang="en", reader=SYSTEM_INIT
    )
    assert _numbers(within) == [public.niin]
    dual = search(search_query_from_params({"dual_use": "true"}), lang="en", reader=SYSTEM_INIT)
    assert _numbers(dual) == sorted([public.niin, secret.niin])
    assert plain.niin not in _numbers(dual)
    query = search_query_from_params({"control": "3A", "dual_use": "true"})
    assert ("control", "3A") in query.to_params()
    assert ("dual_use", "true") in query.to_params()
    with pytest.raises(ValidationFailed) as refused:
        search_query_from_params({"dual_use": "maybe"})
    assert refused.value.code == E.CONTROL_FILTER_INVALID


def test_an_outsider_searching_with_the_filter_sees_no_hidden_item_nor_its_count(marked):
    public, secret, _plain = marked
    kz = UserFactory(username="kz-search", bureau=bureau("KZ"), roles=["viewer"])
    for params in ({"dual_use": "true"}, {"control": "5D"}, {"q": "ГАЙКА", "dual_use": "1"}):
        page = search(search_query_from_params(params), lang="en", reader=kz)
        assert secret.niin not in _numbers(page)
        assert page.total == len(page.hits) == (0 if params.get("control") else 1)
        counted = sum(v["count"] for v in page.facets.get("bureau", []))
        assert counted == page.total
    _user, token = user_with_token("kz-api-search", "KZ")
    body = TokenClient(token).get("/api/v1/search?control=5D").json()
    assert body["hits"] == []
    assert body["total"] == 0
    assert all(v["count"] == 0 for facet in body["facets"].values() for v in facet)
    anonymous = Client().get("/api/v1/search?dual_use=true").json()
    assert [h["niin"] for h in anonymous["hits"]] == [public.niin]


def test_the_search_page_has_the_filter(marked, client):
    public, _secret, plain = marked
    client.force_login(
        UserFactory(username="ru-search-page", bureau=bureau("RU"), roles=["viewer"])
    )
    text = client.get("/search/?q=ГАЙКА&dual_use=true").content.decode()
    assert public.catalogue_number in text
    assert plain.catalogue_number not in text
    assert 'name="dual_use" value="true" checked' in text


def test_the_search_command_has_the_filters(marked):
    public, secret, _plain = marked
    out = io.StringIO()
    call_command("search", "--dual-use", "--control", "3", stdout=out)
    assert public.catalogue_number in out.getvalue()
    assert secret.catalogue_number not in out.getvalue()


def test_with_the_search_index_the_filter_still_hides_the_restricted_item(marked):
    """Words answered by the tantivy index (which knows nothing of release rules) are checked
    against the database with the filter and the reader's rules: same hits, same counts."""
    public, secret, _plain = marked
    call_command("reindex", stdout=io.StringIO())
    kz = UserFactory(username="kz-index", bureau=bureau("KZ"), roles=["viewer"])
    page = search(
        search_query_from_params({"q": "гайка", "dual_use": "true"}), lang="en", reader=kz
    )
    assert page.index == "current"
    assert _numbers(page) == [public.niin]
    assert page.total == 1
    assert sum(v["count"] for v in page.facets["status"]) == 1
    insider = search(
        search_query_from_params({"q": "гайка", "control": "5D"}), lang="en", reader=SYSTEM_INIT
    )
    assert _numbers(insider) == [secret.niin]
