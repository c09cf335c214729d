"""Any path under /api/v1/ that names no operation is answered as a problem, never as an HTML
page, even when the path holds characters a plain regular expression would stop at."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/nothing%0Ahere",
        "/api/v1/requests/a%0Ab/lines",
        "/api/v1/requests/1%0D%0A/lines",
    ],
)
def test_an_unknown_route_is_a_problem(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
