"""Who may write: bearer tokens (hashed at rest, revocable, expiring) and the session with CSRF.
Reads of catalogue data are public."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from katalog.accounts.models import ApiToken
from katalog.accounts.tokens import token_create, token_digest, token_revoke
from katalog.core.actors import SYSTEM_OPERATOR
from katalog.core.errors import PermissionDenied
from tests.api.conftest import TokenClient
from tests.factories import UserFactory, bureau

MANUFACTURER = {"code": "A777F", "names": {"ru": "Завод", "en": "Works"}, "country": "RU"}


@pytest.fixture
def user(db):
    return UserFactory(username="writer", bureau=bureau("RU"))


def test_token_is_stored_only_as_digest(user):
    record, token = token_create(actor=SYSTEM_OPERATOR, user=user, name="integration")
    assert token.startswith("kt_")
    stored = ApiToken.objects.get(pk=record.pk)
    assert stored.digest == token_digest(token)
    assert token not in {stored.digest, stored.prefix, stored.name}
    assert token.startswith(stored.prefix)


def test_token_writes_and_records_last_use(user):
    record, token = token_create(actor=SYSTEM_OPERATOR, user=user, name="integration")
    response = TokenClient(token).post("/api/v1/manufacturers", MANUFACTURER)
    assert response.status_code == 201, response.content
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_write_without_credentials_is_401_problem(db):
    response = TokenClient(None).post("/api/v1/manufacturers", MANUFACTURER)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["kt_not-a-token", "garbage", ""])
def test_unknown_token_is_401(db, token):
    response = TokenClient(None).post(
        "/api/v1/manufacturers", MANUFACTURER, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


def test_revoked_token_is_401(user):
    record, token = token_create(actor=SYSTEM_OPERATOR, user=user, name="old")
    token_revoke(actor=SYSTEM_OPERATOR, token=record)
    assert TokenClient(token).post("/api/v1/manufacturers", MANUFACTURER).status_code == 401


def test_expired_token_is_401(user):
    record, token = token_create(
        actor=SYSTEM_OPERATOR,
        user=user,
        name="short",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    ApiToken.objects.filter(pk=record.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert TokenClient(token).post("/api/v1/manufacturers", MANUFACTURER).status_code == 401


def test_token_of_inactive_user_is_401(user):
    _record, token = token_create(actor=SYSTEM_OPERATOR, user=user, name="x")
    user.is_active = False
    user.save()
    assert TokenClient(token).post("/api/v1/manufacturers", MANUFACTURER).status_code == 401


def test_reads_are_public(db):
    response = Client().get("/api/v1/manufacturers")
    assert response.status_code == 200


def test_session_write_needs_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    refused = client.post("/api/v1/manufacturers", MANUFACTURER, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "CSRF_FAILED"

    client.get("/api/v1/manufacturers")  # any page; the CSRF cookie comes with the login page
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    accepted = client.post(
        "/api/v1/manufacturers",
        MANUFACTURER,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret),
    )
    assert accepted.status_code == 201, accepted.content


def test_session_reads_need_no_csrf(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/manufacturers").status_code == 200


def test_cli_creates_lists_and_revokes_tokens(user, capsys):
    call_command("token", "create", "writer", "--name", "ci", "--days", "30")
    token = capsys.readouterr().out.strip()
    assert TokenClient(token).post("/api/v1/manufacturers", MANUFACTURER).status_code == 201
    record = ApiToken.objects.get(user=user, name="ci")
    assert record.expires_at > timezone.now() + dt.timedelta(days=29)
    call_command("token", "list", "writer")
    assert record.prefix in capsys.readouterr().out
    call_command("token", "revoke", str(record.pk))
    # A revoked token is refused even for reads: it does not pass for an anonymous visitor.
    assert TokenClient(token).get("/api/v1/manufacturers").status_code == 401
    assert (
        TokenClient(token)
        .post("/api/v1/manufacturers", {**MANUFACTURER, "code": "A778F"})
        .status_code
        == 401
    )


def test_admin_makes_a_token_shows_it_once_and_revokes_it(user, admin_client):
    response = admin_client.post(
        "/admin/accounts/apitoken/add/",
        {"user": user.pk, "name": "from admin", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    shown = [t for m in response.context["messages"] for t in re.findall(r"kt_[\w-]{40,}", str(m))]
    assert len(shown) == 1
    token = shown[0]
    record = ApiToken.objects.get(user=user, name="from admin")
    assert record.digest == token_digest(token)
    assert TokenClient(token).post("/api/v1/manufacturers", MANUFACTURER).status_code == 201

    admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [record.pk]},
        follow=True,
    )
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert (
        TokenClient(token)
        .post("/api/v1/manufacturers", {**MANUFACTURER, "code": "A779F"})
        .status_code
        == 401
    )


def test_session_auth_checks_csrf_only_for_unsafe_methods(user):
    from django.conf import settings
    from django.test import RequestFactory

    from katalog.api.auth import CsrfSessionAuth

    auth = CsrfSessionAuth()
    for method in ("get", "head", "options"):
        request = getattr(RequestFactory(), method)("/api/v1/requests")
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "s"
        request.user = user
        assert auth(request) == user
    request = RequestFactory().post("/api/v1/requests")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "s"
    request.user = user
    with pytest.raises(PermissionDenied) as raised:
        auth(request)
    assert raised.value.code == "CSRF_FAILED"
