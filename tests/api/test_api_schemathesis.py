"""Property-based tests of the whole REST API from its OpenAPI document (schemathesis): for
generated valid and invalid requests of every operation, authenticated with a token so that
writes run too, the API never answers with a server error and answers exactly as the document
says (status codes, content types, bodies, headers, auth)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from katalog.api.main import api
from katalog.core.actors import SYSTEM_INIT
from tests.api.conftest import user_with_token
from tests.factories import ManufacturerFactory, make_item

EXAMPLES_PER_MODE = 5
# Operations held to the whole document (every tag of the API); any other to "no server error".
CONFORMING_TAGS = {
    "accounts",
    "catalogue",
    "classifiers",
    "codification",
    "export",
    "jobs",
    "manufacturers",
    "quality",
    "reference data",
    "screening",
    "search",
}

DOCUMENT = api.get_openapi_schema()
OPERATIONS = sorted(
    (path, method.upper(), bool(CONFORMING_TAGS & set(operation.get("tags", []))))
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
)
EXAMPLES_PER_ROLE = 2


def can_be_sent_invalid(path: str, method: str) -> bool:
    """Whether schemathesis can make an invalid request of the operation: a body, a query or
    header parameter, or a path parameter with a type or bounds. A path of free text only (an
    item's number) has no invalid form, so the negative mode would have nothing to generate."""
    operation = DOCUMENT["paths"][path][method.lower()]
    if "requestBody" in operation:
        return True
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        constrained = schema.get("type") not in (None, "string") or set(schema) & {
            "pattern",
            "minLength",
            "maxLength",
            "enum",
            "format",
        }
        if parameter["in"] != "path" or constrained:
            return True
    return False


def modes_of(path: str, method: str) -> list[GenerationMode]:
    negative = [GenerationMode.NEGATIVE] if can_be_sent_invalid(path, method) else []
    return [GenerationMode.POSITIVE, *negative]


def negative_data_rejected(ctx, response, case):
    """schemathesis's `negative_data_rejection`, except where the invalid value cannot reach
    the API: an object given as a query value is sent exploded (`key=value&…`), so the parameter
    itself is absent; a multipart form field is always text, so a null or a number arrives as
    the string "null" or "5", which a text field rightly accepts."""
    if any(isinstance(value, dict) for value in (case.query or {}).values()):
        return None
    if sent_as_form_text(case):
        return None
    return negative_data_rejection(ctx, response, case)


def sent_as_form_text(case) -> bool:
    if not (case.media_type or "").startswith("multipart/") or not isinstance(case.body, dict):
        return False
    return any(not isinstance(value, (str, bytes)) for value in case.body.values())


@pytest.fixture(scope="module")
def api_schema(django_db_blocker):
    # Loaded once: the document does not depend on data (the session middleware may look).
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def open_connection():
    """Requests go straight to the WSGI handler, whose end-of-request signal would close the
    test's database connection (inside its transaction); Django's test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, open_connection):
    # Some data to find and to refer to; without it nearly every request is a 404.
    item = make_item("RU")
    from katalog.catalog import services

    services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=ManufacturerFactory(code="A002F"), number="R-1"
    )
    return user_with_token("schemathesis", "RU")[1]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "method", "conforming"), OPERATIONS, ids=[f"{m} {p}" for p, m, _c in OPERATIONS]
)
def test_operation_conforms_to_the_document(api_schema, token, path, method, conforming):
    operation = api_schema[path][method]
    auth = {"Authorization": f"Bearer {token}"}
    for mode in modes_of(path, method):
        strategy = operation.as_strategy(generation_mode=mode)

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_MODE,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            if conforming:
                # Valid by the schema is not valid by the rules (a cursor must be one we gave
                # out, a number must exist): a 422 for schema-valid data is not a failure.
                case.call_and_validate(
                    headers=auth,
                    excluded_checks=[positive_data_acceptance, negative_data_rejection],
                    additional_checks=[negative_data_rejected],
                )
            else:
                case.call_and_validate(headers=auth, checks=[not_a_server_error])

        # Modes with nothing to generate are left out above (`modes_of`); an Unsatisfiable here
        # means the document and that judgement disagree, and fails the test.
        run()


@pytest.fixture
def role_tokens(token):
    """A token for each kind of caller, and none for the anonymous one."""
    from katalog.accounts.tokens import token_create
    from katalog.core.actors import SYSTEM_OPERATOR
    from tests.factories import UserFactory, bureau

    def of(username: str, key: str, roles: list[str], **kwargs) -> str:
        user = UserFactory(username=username, bureau=bureau(key), roles=roles)
        return token_create(actor=SYSTEM_OPERATOR, user=user, name="roles", **kwargs)[1]

    return {
        "cataloguer": token,
        "viewer": of("st-viewer", "RU", ["viewer"]),
        "approver": of("st-approver", "RU", ["approver"]),
        "bureau administrator": of("st-admin", "RU", ["bureau_admin"]),
        "centre administrator": of("st-centre", "MC", ["centre_admin", "centre_cataloguer"]),
        "another bureau": of("st-stranger", "AM", ["cataloguer"]),
        "read-only token": of("st-reader", "RU", ["cataloguer"], scope="read"),
        "anonymous": None,
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "method", "conforming"), OPERATIONS, ids=[f"{m} {p}" for p, m, _c in OPERATIONS]
)
def test_no_role_meets_a_server_error(api_schema, role_tokens, path, method, conforming):
    operation = api_schema[path][method]
    for role, token in role_tokens.items():
        for mode in modes_of(path, method):
            no_server_error(
                operation, mode, role, {"Authorization": f"Bearer {token}"} if token else {}
            )


def no_server_error(operation, mode, role: str, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_ROLE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (role, response.status_code, response.text[:300])

    run()
