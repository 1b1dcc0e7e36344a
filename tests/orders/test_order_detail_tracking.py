"""The order page's tracking section while a parcel travels: refreshed by a poll that asks for
the fragment only, and carrying the fulfilment form anew when the carrier moves the order."""

import re

import pytest

from orders.statuses import OrderStatus
from tests.tracking.helpers import DELIVERED, OUT, PICKED_UP, tracked_package, tracking_update
from tracking.services.checkpoints import tracking_apply


@pytest.mark.django_db
def test_detail_page_refreshes_tracking_while_a_parcel_travels(client, admin, shop):
    from accounts.models import AuditAction, AuditEvent

    package = tracked_package(shop)
    tracking_apply(
        package_id=package.pk, update=tracking_update(package.tracking_number, PICKED_UP)
    )
    client.force_login(admin)
    url = f"/orders/{package.order.order_id}/"
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 10s"' in page and "Picked up" in page
    audits = AuditEvent.objects.filter(action=AuditAction.BUYER_DATA_VIEWED).count()
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="tracking"' in partial and "Picked up" in partial
    assert AuditEvent.objects.filter(action=AuditAction.BUYER_DATA_VIEWED).count() == audits
    tracking_apply(
        package_id=package.pk,
        update=tracking_update(package.tracking_number, PICKED_UP, OUT, DELIVERED),
    )
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Delivered" in done and "every 10s" not in done  # the story is over: no more polling


@pytest.mark.django_db
def test_the_tracking_poll_refreshes_the_fulfilment_choices_too(client, packer, viewer, shop):
    """The carrier moves the order while the page is open: the fragment the poll fetches
    carries the fulfilment form anew, so "Move to" no longer offers where the order already is."""
    package = tracked_package(shop)
    client.force_login(packer)
    url = f"/orders/{package.order.order_id}/"
    page = client.get(url).content.decode()
    # The next step first, cancelling last (not in a set's order: never preselected).
    assert 'id="fulfilment"' in page and re.search(
        r'name="status"><option value="IN_TRANSIT">.*</option><option value="CANCELLED">', page
    )
    assert f'hx-get="{url}?seen={OrderStatus.AWAITING_COLLECTION}"' in page
    tracking_apply(
        package_id=package.pk, update=tracking_update(package.tracking_number, PICKED_UP)
    )
    seen = f"{url}?seen={OrderStatus.AWAITING_COLLECTION}"
    partial = client.get(seen, HTTP_HX_REQUEST="true").content.decode()
    fulfilment = partial[partial.index('id="fulfilment"') :]
    assert 'hx-swap-oob="true"' in fulfilment[:200]
    # In transit, a person has nowhere to move it and no new tracking number to add: the card
    # says so instead of offering forms the services would refuse.
    assert 'name="status"' not in partial and "Add tracking number" not in fulfilment
    assert "the carrier and TikTok move it on from here" in fulfilment
    # The next poll says what it has seen: unchanged, the form is left as it is (and whatever
    # the packer is typing into it).
    assert f"seen={OrderStatus.IN_TRANSIT}" in partial
    again = f"{url}?seen={OrderStatus.IN_TRANSIT}"
    partial = client.get(again, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="tracking"' in partial and 'id="fulfilment"' not in partial
    # Someone who may not fulfil gets no fulfilment section (nor an out-of-band swap aimed at
    # one their page does not have).
    client.force_login(viewer)
    partial = client.get(seen, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="tracking"' in partial and 'id="fulfilment"' not in partial
