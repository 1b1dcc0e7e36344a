"""The access review page: administrators review their own shops' members only."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Shop, User
from accounts.roles import Role
from accounts.selectors import ACCESS_REVIEW_CSV_HEADER, access_review_rows
from accounts.services import membership_grant
from tests.accounts.factories import member

# Until accounts/urls.py routes the page, a URLconf that adds it to the real one.
pytestmark = pytest.mark.django_db

URL = "/accounts/access-review/"


def sign_in_with_two_factor(client, user: User) -> TOTPDevice:
    """Signed in and past the second factor, as after entering an authenticator code."""
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def emails(response) -> list[str]:
    return [row.email for row in response.context["rows"]]


@pytest.fixture
def strict_shop(shop, admin, viewer, cs_agent, outsider):
    """North Shop requires 2FA; the viewer last signed in 100 days ago, cs never did."""
    Shop.objects.filter(pk=shop.pk).update(require_two_factor=True)
    now = timezone.now()
    User.objects.filter(pk=viewer.pk).update(last_login=now - timedelta(days=100))
    User.objects.filter(pk=admin.pk).update(last_login=now - timedelta(hours=1))
    TOTPDevice.objects.create(user=cs_agent, name="default", confirmed=True)
    return shop


def test_administrator_sees_own_shops_members_with_flags(client, strict_shop, admin):
    sign_in_with_two_factor(client, admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert emails(response) == ["admin@example.test", "cs@example.test", "viewer@example.test"]
    flags = {row.email: row.flags for row in response.context["rows"]}
    assert flags == {
        "admin@example.test": [],
        "cs@example.test": ["invited, not signed in yet"],  # never signed in: not inactive
        "viewer@example.test": ["inactive 90+ days", "no 2FA"],
    }
    summary = response.context["summary"]
    counts = summary.members, summary.inactive, summary.invited, summary.missing_required_2fa
    assert counts == (3, 1, 1, 1)
    page = response.content.decode()
    assert "outsider@example.test" not in page and "South Shop" not in page
    assert page.count("No sign-in for 90+ days</span>") == 1
    assert page.count("Invited, not signed in yet</span>") == 1
    assert page.count("No two-factor (required)</span>") == 1
    assert "two-factor required" in page


def test_csv_download_has_the_same_rows_with_formulas_neutralised(client, shop, admin, viewer):
    User.objects.filter(pk=viewer.pk).update(full_name="=1+2")
    client.force_login(admin)
    response = client.get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="access-review-all-shops-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert tuple(rows[0]) == ACCESS_REVIEW_CSV_HEADER
    assert [(r[0], r[2], r[4]) for r in rows[1:]] == [
        ("north-shop", "admin@example.test", "administrator"),
        ("north-shop", "viewer@example.test", "viewer"),
    ]
    assert rows[2][3] == "'=1+2"


def test_shop_filter_narrows_to_one_of_my_shops(client, shop, other_shop, admin, viewer):
    membership_grant(shop=other_shop, user=admin, role=Role.ADMINISTRATOR, actor=None)
    member(shop=other_shop, role=Role.FULFILMENT, email="south-packer@example.test")
    client.force_login(admin)
    assert emails(client.get(URL)) == [
        "admin@example.test",
        "viewer@example.test",
        "admin@example.test",
        "south-packer@example.test",
    ]
    response = client.get(URL, {"shop": "south-shop"})
    assert response.context["selected_shop"] == other_shop
    assert emails(response) == ["admin@example.test", "south-packer@example.test"]
    csv_response = client.get(URL, {"shop": "south-shop", "format": "csv"})
    assert 'filename="access-review-south-shop-' in csv_response["Content-Disposition"]
    assert len(csv_response.content.decode().splitlines()) == 3


@pytest.mark.parametrize("slug", ["south-shop", "no-such-shop"])
def test_another_or_unknown_shop_is_a_404(client, shop, other_shop, admin, outsider, slug):
    client.force_login(admin)
    assert client.get(URL, {"shop": slug}).status_code == 404
    assert client.get(URL, {"shop": slug, "format": "csv"}).status_code == 404


def test_a_shop_where_i_am_not_administrator_is_a_404(client, shop, other_shop, admin, outsider):
    membership_grant(shop=other_shop, user=admin, role=Role.VIEWER, actor=None)
    client.force_login(admin)
    assert "outsider@example.test" not in emails(client.get(URL))
    assert client.get(URL, {"shop": "south-shop"}).status_code == 404


def test_administrator_of_another_shop_sees_only_that_shop(client, shop, admin, outsider):
    client.force_login(outsider)
    assert emails(client.get(URL)) == ["outsider@example.test"]
    assert client.get(URL, {"shop": "north-shop"}).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.CUSTOMER_SERVICE, Role.FULFILMENT, Role.ACCOUNTANT, Role.VIEWER]
)
def test_roles_without_manage_staff_get_403_naming_the_permission(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(URL)
    assert response.status_code == 403
    assert "Manage the shop&#x27;s staff" in response.content.decode()
    assert client.get(URL, {"format": "csv"}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/access-review/"


def test_superuser_reviews_every_shop(client, superuser, admin, outsider):
    client.force_login(superuser)
    assert emails(client.get(URL)) == ["admin@example.test", "outsider@example.test"]


def test_administrator_must_pass_two_factor_before_reviewing_a_shop_requiring_it(
    client, strict_shop, admin
):
    TOTPDevice.objects.create(user=admin, name="default", confirmed=True)
    client.force_login(admin)  # password only: this session has not passed the second factor
    assert client.get(URL).status_code == 403


def test_page_and_csv_cost_the_same_queries_for_3_or_12_members(client, shop, admin):
    member(shop=shop, role=Role.VIEWER)
    member(shop=shop, role=Role.ACCOUNTANT)
    client.force_login(admin)
    client.get(URL)  # the first request records activity; later ones do not
    with CaptureQueriesContext(connection) as page_3:
        assert len(client.get(URL).context["rows"]) == 3
    with CaptureQueriesContext(connection) as csv_3:
        client.get(URL, {"format": "csv"})

    for index in range(9):
        member(shop=shop, role=list(Role)[index % len(Role)])
    assert len(client.get(URL).context["rows"]) == 12
    with CaptureQueriesContext(connection) as page_12:
        client.get(URL)
    with CaptureQueriesContext(connection) as csv_12:
        client.get(URL, {"format": "csv"})
    assert len(page_12) == len(page_3)
    assert len(csv_12) == len(csv_3)


def test_selector_is_one_query_whatever_the_members(
    django_assert_num_queries, shop, other_shop, admin, viewer, outsider
):
    TOTPDevice.objects.create(user=viewer, name="default", confirmed=True)
    with django_assert_num_queries(1):
        rows = access_review_rows(shops=Shop.objects.all())
        assert [row.user.email for row in rows] == [r.email for r in rows]
        assert [row.shop.slug for row in rows] == ["north-shop", "north-shop", "south-shop"]
        assert [row.two_factor for row in rows] == [False, True, False]


def test_shops_without_members_say_so(client, superuser, shop):
    client.force_login(superuser)
    response = client.get(URL)
    assert response.context["rows"] == []
    assert "These shops have no members yet." in response.content.decode()
