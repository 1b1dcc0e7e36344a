"""The access review and the audit log tell times as the rest of the portal does (F18): a
sign-in counts as activity, dates read "Dec 1, 2026 05:35" with the zone named, audit events
in Django admin are in the shop's zone and labelled, and a role changed in admin records the
address it was changed from."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, Membership, User
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/accounts/access-review/"


def test_a_sign_in_counts_as_activity(client, admin, viewer):
    earlier = timezone.now() - timezone.timedelta(minutes=2)  # inside the 5-minute resolution
    User.objects.filter(pk=viewer.pk).update(last_activity_at=earlier)
    assert client.post("/accounts/login/", {"username": viewer.email, "password": PASSWORD})
    viewer.refresh_from_db()
    assert viewer.last_login is not None
    assert viewer.last_activity_at >= viewer.last_login


def test_review_dates_read_like_the_rest_of_the_portal_and_name_the_zone(client, shop, admin):
    moment = datetime(2026, 12, 1, 13, 35, tzinfo=UTC)  # 05:35 in Los Angeles
    client.force_login(admin)  # a sign-in: now, then the stored times moved back
    User.objects.filter(pk=admin.pk).update(last_login=moment, last_activity_at=moment)
    page = client.get(URL).content.decode()
    assert f"times in {shop.timezone}" in page
    assert ">Dec 1, 2026 05:35</time>" in page
    assert "2026-12-01 05:35" not in page


def _role_change(client, membership, role):
    return client.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        {"role": role},
        REMOTE_ADDR="203.0.113.7",
    )


def test_a_role_changed_in_admin_records_the_address_and_shows_a_zoned_time(
    client, shop, admin, viewer
):
    client.force_login(admin)
    membership = Membership.objects.get(user=viewer, shop=shop)
    response = _role_change(client, membership, "accountant")
    assert response.status_code == 302, response.content.decode()[:500]
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert event.ip_address == "203.0.113.7"
    AuditEvent.objects.filter(pk=event.pk).update(
        created_at=datetime(2026, 12, 1, 13, 35, tzinfo=UTC)
    )
    listing = client.get("/admin/accounts/auditevent/").content.decode()
    assert "Dec 1, 2026 05:35 PST" in listing and "203.0.113.7" in listing
    assert "1:35 p.m." not in listing
    detail = client.get(f"/admin/accounts/auditevent/{event.pk}/change/").content.decode()
    assert "Dec 1, 2026 05:35 PST" in detail
