"""ETags and If-Match: the forms accepted, and what a missing or foreign value answers."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from katalog.api.concurrency import etag_of, expected_version, with_etag
from katalog.core.errors import PreconditionRequired, ValidationFailed


@pytest.mark.parametrize(
    ("header", "version"),
    [('W/"3"', 3), ('"3"', 3), ("3", 3), (' W/"12" ', 12), ('W/"4", W/"5"', 4)],
)
def test_if_match_forms(header, version):
    request = RequestFactory().patch("/", HTTP_IF_MATCH=header)
    assert expected_version(request) == version


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_if_match_is_428(header):
    extra = {} if header is None else {"HTTP_IF_MATCH": header}
    with pytest.raises(PreconditionRequired) as raised:
        expected_version(RequestFactory().patch("/", **extra))
    assert (raised.value.status, raised.value.code) == (428, "IF_MATCH_REQUIRED")


@pytest.mark.parametrize("header", ["*", 'W/"abc"', "yesterday"])
def test_foreign_if_match_is_422(header):
    with pytest.raises(ValidationFailed) as raised:
        expected_version(RequestFactory().patch("/", HTTP_IF_MATCH=header))
    assert raised.value.code == "INVALID_IF_MATCH"


def test_etag_round_trip():
    response = with_etag(HttpResponse(), 7)
    assert response["ETag"] == etag_of(7) == 'W/"7"'
    assert expected_version(RequestFactory().patch("/", HTTP_IF_MATCH=response["ETag"])) == 7
