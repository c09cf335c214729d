"""The tantivy index as search backend: the same results shape and counts as the database's,
kept in step with the catalogue's writes, rebuilt by `katalog reindex`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from katalog.search import tantivy_index

pytestmark = pytest.mark.django_db


def test_reindex_builds_the_index_of_every_item(catalogue):
    assert not tantivy_index.present()
    out = StringIO()
    call_command("reindex", stdout=out)
    assert tantivy_index.present()
    assert f"search index of {len(catalogue.items)} items" in out.getvalue()
    matches = tantivy_index.text_matches([["гайка"]], 50)
    assert matches is not None
    nuts = {catalogue[label].pk for label in ("nut_m10", "nut_locking", "nut_kz", "nut_kz_02")}
    assert nuts <= set(matches[0])
