"""Every protected URL × every role: allowed, denied, anonymous → login (STYLE.md rule 18).

Each issue adds its URLs to MATRIX; the test below covers all of them the same way.
"""

import pytest

from accounts.roles import Role

ALL_ROLES = frozenset(Role)
# url → roles that get 200; the rest of the shop's roles get 403; anonymous → login.
MATRIX = {
    "/": ALL_ROLES,
    "/accounts/two-factor/": ALL_ROLES,
    "/accounts/password/": ALL_ROLES,
    "/accounts/access-review/": frozenset({Role.ADMINISTRATOR}),
}
STAFF_ONLY = ["/admin/", "/admin/orders/order/", "/admin/accounts/membership/"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", list(MATRIX))
@pytest.mark.parametrize("role", list(Role))
def test_role_access(client, role_users, url, role):
    client.force_login(role_users[role])
    expected = 200 if role in MATRIX[url] else 403
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("url", list(MATRIX))
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", STAFF_ONLY)
def test_admin_is_for_staff_only(client, role_users, superuser, url):
    for user in role_users.values():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(superuser)
    assert client.get(url).status_code == 200
