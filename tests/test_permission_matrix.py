"""Every protected URL × every role: allowed, denied, anonymous → login (STYLE.md rule 18).

Each issue adds its URLs to MATRIX; the test below covers all of them the same way.
"""

import pytest

from accounts.roles import Role

ALL_ROLES = frozenset(Role)
EXPORTERS = frozenset({Role.ADMINISTRATOR, Role.ACCOUNTANT})
# url → roles that get 200; the rest of the shop's roles get 403; anonymous → login.
MATRIX = {
    "/": ALL_ROLES,
    "/orders/": ALL_ROLES,
    "/orders/counts/": ALL_ROLES,
    "/accounts/two-factor/": ALL_ROLES,
    "/accounts/password/": ALL_ROLES,
    "/accounts/access-review/": frozenset({Role.ADMINISTRATOR}),
    "/exports/": EXPORTERS,
    "/exports/new/": EXPORTERS,
    "/exports/new/?status=IN_TRANSIT&period=last_month": EXPORTERS,
    "/exports/reports/new/": EXPORTERS,
    "/exports/schedules/new/": EXPORTERS,
    "/orders/import/": frozenset({Role.ADMINISTRATOR}),
}
# Django admin: shop administrators get in (scoped to their shops); other roles do not.
ADMIN_FOR_SHOP_ADMINISTRATORS = ["/admin/", "/admin/accounts/membership/", "/admin/accounts/shop/"]
SUPERUSER_ONLY = ["/admin/orders/order/", "/admin/exports/exportjob/"]

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


@pytest.mark.parametrize("url", ADMIN_FOR_SHOP_ADMINISTRATORS + SUPERUSER_ONLY)
def test_django_admin_access(client, role_users, superuser, url):
    for role, user in role_users.items():
        client.force_login(user)
        response = client.get(url)
        if role == Role.ADMINISTRATOR:
            assert response.status_code == (200 if url in ADMIN_FOR_SHOP_ADMINISTRATORS else 403)
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(superuser)
    assert client.get(url).status_code == 200


def test_anonymous_post_to_bulk_actions_is_sent_to_login(client):
    response = client.post("/orders/bulk/", {"action": "export", "all_matching": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
