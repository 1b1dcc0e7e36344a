"""`audit_record_each`: one event per (shop, target) in one statement (PostgreSQL: one
INSERT over arrays; SQLite: bulk_create), each with the request's address and user agent,
the actor and the payload, targets cut to the column's 200 characters."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditAction, AuditEvent
from accounts.services import audit_record_each

pytestmark = pytest.mark.django_db


def test_each_target_is_one_event_with_what_they_share(shop, other_shop, admin):
    AuditEvent.objects.all().delete()  # granting the fixture's role was one
    request = RequestFactory().get("/api/v1/orders/", REMOTE_ADDR="203.0.113.9")
    request.META["HTTP_USER_AGENT"] = "orders-sync/2.1"
    targets = [(shop, "576000000000000001"), (other_shop, "576000000000000002"), (shop, "x" * 250)]
    with CaptureQueriesContext(connection) as queries:
        audit_record_each(
            action=AuditAction.BUYER_DATA_VIEWED,
            actor=admin,
            targets=targets,
            request=request,
            payload={"via": "api", "token": "sc_pat_ab12"},
        )
    assert len(queries.captured_queries) == 1
    events = list(AuditEvent.objects.order_by("pk"))
    assert [(e.shop, e.target) for e in events] == [
        (shop, "576000000000000001"),
        (other_shop, "576000000000000002"),
        (shop, "x" * 200),
    ]
    for event in events:
        assert (event.action, event.actor, event.actor_email) == (
            AuditAction.BUYER_DATA_VIEWED,
            admin,
            admin.email,
        )
        assert (event.ip_address, event.user_agent) == ("203.0.113.9", "orders-sync/2.1")
        assert event.payload == {"via": "api", "token": "sc_pat_ab12"}
        assert event.created_at is not None


def test_nothing_to_record_writes_nothing(admin):
    AuditEvent.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        audit_record_each(action=AuditAction.BUYER_DATA_VIEWED, actor=admin, targets=[])
    assert queries.captured_queries == [] and not AuditEvent.objects.exists()
