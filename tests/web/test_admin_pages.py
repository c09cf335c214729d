import pytest

from katalog.accounts.models import User


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/refdata/codetable/ITEM_STATUS/change/",
        "/admin/refdata/supplyclass/",
        "/admin/accounts/bureau/",
        "/admin/names/itemname/",
    ],
)
def test_reference_data_is_editable_in_the_admin(client, path):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    response = client.get(path)
    assert response.status_code == 200
