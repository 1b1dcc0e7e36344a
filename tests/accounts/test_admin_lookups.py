"""Query-string lookups in Django admin: a shop administrator may use only the filters shown."""

import pytest

from accounts.models import Membership
from accounts.roles import Role
from accounts.services import membership_grant
from tests.accounts.helpers import CHANGELISTS

pytestmark = pytest.mark.django_db

# Each would find North Shop's viewer by their accountant role in South Shop.
ROLE_PROBES = [
    {"memberships__role": "accountant"},
    {"memberships__role__in": "accountant"},
    {"memberships__role__in": "accountant,administrator"},
    {"memberships__role__iexact": "ACCOUNTANT"},
    {"memberships__role__startswith": "acc"},
    {"memberships__role__exact": "viewer", "memberships__role": "accountant"},
    {"memberships__shop": "{other_shop}"},
    {"memberships__shop__exact": "{other_shop}"},
    {"memberships": "{membership}"},
    {"memberships__in": "{membership}"},
    {"memberships__id__exact": "{membership}"},
]


def assert_refused(response, person):
    """Nothing listed (before the fix these lists showed `person`), and said so with a 400."""
    if response.status_code == 200:
        assert person not in response.context["cl"].queryset
    assert response.status_code == 400


def _probe(params, other_shop, viewer):
    membership = Membership.objects.get(shop=other_shop, user=viewer)
    return {
        key: value.format(other_shop=other_shop.pk, membership=membership.pk)
        for key, value in params.items()
    }


@pytest.mark.parametrize("params", ROLE_PROBES)
def test_a_shop_administrator_cannot_find_people_by_roles_elsewhere(
    client, admin, shared, other_shop, params
):
    client.force_login(admin)
    response = client.get("/admin/accounts/user/", _probe(params, other_shop, shared))
    assert_refused(response, shared)


@pytest.mark.parametrize(
    "params",
    [
        {"is_staff__exact": "1"},
        {"is_staff": "1"},
        {"is_staff": "True"},
        {"is_staff__in": "1"},
        {"is_staff__isnull": "False"},
        {"is_superuser": "1"},
        {"is_superuser__exact": "0"},
    ],
)
def test_a_shop_administrator_cannot_filter_by_the_hidden_staff_flags(
    client, shop, other_shop, admin, viewer, params
):
    membership_grant(shop=other_shop, user=viewer, role=Role.ADMINISTRATOR, actor=None)
    client.force_login(admin)
    response = client.get("/admin/accounts/user/", params)
    assert_refused(response, viewer)  # is_staff here means "administers another shop"


def test_a_refused_lookup_says_so_in_words(client, admin, shared):
    client.force_login(admin)
    response = client.get("/admin/accounts/user/", {"memberships__role": "accountant"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "does not offer" in body and shared.email not in body


def test_a_request_for_another_host_gets_the_same_page_not_a_500(client):
    response = client.get("/accounts/login/", HTTP_HOST="elsewhere.invalid")
    assert response.status_code == 400 and "does not offer" in response.content.decode()


@pytest.mark.parametrize("url", CHANGELISTS)
def test_every_scoped_changelist_refuses_a_lookup_it_does_not_offer(
    client, admin, superuser, shared, url
):
    client.force_login(admin)
    assert client.get(url, {"id__gte": "0"}).status_code == 400
    client.force_login(superuser)
    assert client.get(url, {"id__gte": "0"}).status_code == 200


@pytest.mark.parametrize("url", CHANGELISTS)
def test_every_filter_link_shown_to_a_shop_administrator_opens(client, admin, shared, url):
    client.force_login(admin)
    changelist = client.get(url).context["cl"]
    links = [
        choice["query_string"]
        for spec in changelist.filter_specs
        for choice in spec.choices(changelist)
    ]
    assert links
    for link in links:
        assert client.get(url + link).status_code == 200, link


def test_the_audit_log_date_drill_down_still_works(client, admin, shared):
    client.force_login(admin)
    response = client.get("/admin/accounts/auditevent/", {"created_at__year": "2026"})
    assert response.status_code == 200


def test_the_role_filters_empty_choice_stays_within_the_shop(client, admin, shared):
    client.force_login(admin)
    response = client.get("/admin/accounts/user/", {"memberships__role__isnull": "True"})
    assert response.status_code == 200
    assert shared not in response.context["cl"].queryset


@pytest.mark.parametrize("params", ROLE_PROBES)
def test_superusers_may_still_filter_by_any_role(client, superuser, shared, other_shop, params):
    client.force_login(superuser)
    response = client.get("/admin/accounts/user/", _probe(params, other_shop, shared))
    if any(key.startswith("memberships__shop") for key in params):
        # Django itself refuses a relation that no filter offers.
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert shared in response.context["cl"].queryset


def test_superusers_may_still_filter_by_staff_flags(client, superuser, admin):
    client.force_login(superuser)
    response = client.get("/admin/accounts/user/", {"is_staff__exact": "1"})
    assert set(response.context["cl"].queryset) == {admin, superuser}
    response = client.get("/admin/accounts/user/", {"is_superuser": "1"})
    assert set(response.context["cl"].queryset) == {superuser}
