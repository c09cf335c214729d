"""People, roles and tokens: rights are granted by the bureau's administrator and recorded;
passwords are checked; tokens are scoped, expire, and end with a password change or a
deactivation; sign-in is throttled per account and per address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from katalog.accounts import rights, services
from katalog.accounts.models import ApiToken, Role, RoleGrant, User
from katalog.accounts.tokens import token_create
from katalog.audit.selectors import object_history
from katalog.core.actors import SYSTEM_OPERATOR
from katalog.core.errors import PermissionDenied, ValidationFailed
from tests.api.conftest import TokenClient
from tests.factories import UserFactory, bureau

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "correct horse battery staple"
MANUFACTURER = {"code": "A780F", "names": {"en": "Works"}, "country": "RU"}


@pytest.fixture
def ru_admin():
    return UserFactory(username="ru-admin", bureau=bureau("RU"), roles=["bureau_admin"])


def test_a_bureau_administrator_creates_and_grants_in_the_bureau_and_it_is_recorded(ru_admin):
    person = services.user_create(
        actor=ru_admin, username="ru-new", bureau=bureau("RU"), password=GOOD_PASSWORD
    )
    services.role_grant(actor=ru_admin, user=person, role=Role.APPROVER)
    assert rights.has_permission(User.objects.get(pk=person.pk), rights.Permission.APPROVE)
    grant = RoleGrant.objects.get(user=person)
    assert (grant.role, grant.granted_by, grant.bureau.key) == ("approver", "ru-admin", "RU")
    actions = [e.action for e in object_history("user", "ru-new")]
    assert actions == ["user_created", "role_granted"]
    services.role_revoke(actor=ru_admin, user=person, role=Role.APPROVER)
    assert not rights.has_permission(User.objects.get(pk=person.pk), rights.Permission.APPROVE)
    assert RoleGrant.objects.get(user=person).revoked_by == "ru-admin"


def test_rights_of_another_bureau_are_refused_and_nothing_changes(ru_admin):
    kz_person = UserFactory(username="kz-person", bureau=bureau("KZ"), roles=[])
    with pytest.raises(PermissionDenied) as caught:
        services.role_grant(actor=ru_admin, user=kz_person, role=Role.CATALOGUER)
    assert caught.value.code == "NOT_OWN_BUREAU"
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=ru_admin, username="kz-x", bureau=bureau("KZ"), password=GOOD_PASSWORD
        )
    assert not RoleGrant.objects.filter(user=kz_person).exists()
    assert not User.objects.filter(username="kz-x").exists()


def test_a_cataloguer_grants_nothing():
    cataloguer = UserFactory(username="ru-cat", bureau=bureau("RU"))
    other = UserFactory(username="ru-other", bureau=bureau("RU"), roles=[])
    with pytest.raises(PermissionDenied) as caught:
        services.role_grant(actor=cataloguer, user=other, role=Role.APPROVER)
    assert caught.value.code == "MISSING_ROLE"


def test_the_centre_roles_exist_only_in_the_centre():
    person = UserFactory(username="ru-person", bureau=bureau("RU"), roles=[])
    with pytest.raises(ValidationFailed) as caught:
        services.role_grant(actor=SYSTEM_OPERATOR, user=person, role=Role.CENTRE_ADMIN)
    assert caught.value.code == "ROLE_NOT_FOR_BUREAU"


@pytest.mark.parametrize("password", ["x", "short-one", "12345678901234", "password1234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationFailed) as caught:
        services.user_create(
            actor=SYSTEM_OPERATOR, username="weak", bureau=bureau("RU"), password=password
        )
    assert caught.value.code == "WEAK_PASSWORD"
    assert not User.objects.filter(username="weak").exists()


def test_a_superuser_manages_people_but_catalogues_nothing():
    root = UserFactory(username="root", bureau=None, is_superuser=True, roles=[])
    person = services.user_create(
        actor=root, username="ru-made", bureau=bureau("RU"), password=GOOD_PASSWORD
    )
    assert person.pk
    assert not rights.has_permission(root, rights.Permission.CATALOGUE)


def test_tokens_end_with_a_password_change_and_a_deactivation():
    user = UserFactory(username="ru-token", bureau=bureau("RU"))
    _record, token = token_create(actor=user, user=user, name="integration")
    assert TokenClient(token).get("/api/v1/items").status_code == 200
    services.user_set_password(actor=user, user=user, password=GOOD_PASSWORD + "!")
    assert TokenClient(token).get("/api/v1/items").status_code == 401
    _record, second = token_create(
        actor=SYSTEM_OPERATOR, user=User.objects.get(pk=user.pk), name="again"
    )
    assert TokenClient(second).get("/api/v1/items").status_code == 200
    services.user_deactivate(actor=SYSTEM_OPERATOR, user=User.objects.get(pk=user.pk))
    assert TokenClient(second).get("/api/v1/items").status_code == 401


def test_a_read_token_reads_and_writes_nothing():
    user = UserFactory(username="ru-reader", bureau=bureau("RU"))
    _record, token = token_create(actor=user, user=user, name="read", scope="read")
    client = TokenClient(token)
    assert client.get("/api/v1/items").status_code == 200
    refused = client.post("/api/v1/manufacturers", MANUFACTURER)
    assert (refused.status_code, refused.json()["code"]) == (403, "TOKEN_READ_ONLY")
    assert client.post("/api/v1/screening", {"references": [{"number": "X-1"}]}).status_code == 200


def test_tokens_expire_by_default_and_people_make_only_their_own():
    user = UserFactory(username="ru-own", bureau=bureau("RU"))
    other = UserFactory(username="ru-else", bureau=bureau("RU"))
    record, _token = token_create(actor=user, user=user, name="default")
    assert record.expires_at > timezone.now() + dt.timedelta(days=89)
    with pytest.raises(PermissionDenied):
        token_create(actor=user, user=other, name="theirs")
    assert not ApiToken.objects.filter(user=other).exists()


def test_the_user_command_creates_with_a_generated_password_and_grants(capsys):
    call_command("user", "create", "kz-chief", "--bureau", "KZ", "--role", "bureau_admin")
    out = capsys.readouterr().out.splitlines()
    password = out[-1]
    assert len(password) >= 20
    chief = User.objects.get(username="kz-chief")
    assert chief.check_password(password)
    call_command("user", "grant", "kz-chief", "cataloguer")
    assert rights.roles_of(User.objects.get(pk=chief.pk)) == {"bureau_admin", "cataloguer"}


def test_init_without_demo_creates_no_users(capsys):
    User.objects.all().delete()
    call_command("init", "--no-migrate")
    assert not User.objects.exists()
    assert "katalog user create" in capsys.readouterr().out


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_sign_in_is_throttled_per_account_and_the_right_password_then_waits_too(settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(username="ru-target", bureau=bureau("RU"))
    user.set_password(GOOD_PASSWORD)
    user.save()
    client = Client()
    answers = [
        sign_in(client, "ru-target", f"wrong-{i}", f"10.0.0.{i}").status_code for i in range(30)
    ]
    assert answers[:4] == [200] * 4  # the form again, with its error
    assert set(answers[5:]) == {429}
    assert sign_in(client, "ru-target", GOOD_PASSWORD, "10.9.9.9").status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_in_is_throttled_per_address(settings):
    settings.AXES_FAILURE_LIMIT = 5
    for i in range(6):
        sign_in(Client(), f"nobody-{i}", "wrong-password", "10.1.1.1")
    user = UserFactory(username="ru-innocent", bureau=bureau("RU"))
    user.set_password(GOOD_PASSWORD)
    user.save()
    assert sign_in(Client(), "ru-innocent", GOOD_PASSWORD, "10.1.1.1").status_code == 429
    assert sign_in(Client(), "ru-innocent", GOOD_PASSWORD, "10.2.2.2").status_code == 302
