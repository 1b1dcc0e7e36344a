"""The risks the order row alone tells are one set of conditions: the list's `risk` filter,
the page's risk badges and its billing warning select the same orders."""

import pytest
from django.core.cache import cache

from orders.risk import order_risks
from orders.selectors.order_detail import order_detail_for_user
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

SHIPPING = {"address_line1": "1 Main St", "postal_code": "90001", "region_code": "US"}
BILLING_SAME = {f"billing_{name}": value for name, value in SHIPPING.items()}
BILLING_NONE = dict.fromkeys(BILLING_SAME, "")
CASES = {
    "calm": BILLING_SAME,
    "no billing address": {},
    "billing street differs": BILLING_SAME | {"billing_address_line1": "9 Elm St"},
    "billing postal code differs": BILLING_SAME | {"billing_postal_code": "10001"},
    "billing country differs": BILLING_SAME | {"billing_region_code": "CA"},
    "billing country only, differs": {"billing_region_code": "CA"},
    "cancel requested": BILLING_SAME | {"is_buyer_request_cancel": True},
    "cancel requested, cancelled": BILLING_SAME
    | {"is_buyer_request_cancel": True, "status": "CANCELLED"},
}
RISKY = {
    "billing street differs",
    "billing postal code differs",
    "billing country differs",
    "billing country only, differs",
    "cancel requested",
}
BILLING_WARNED = RISKY - {"cancel requested"}
ROW_FACTS = ("Billing", "The buyer asked to cancel")  # the badges the order row alone tells


@pytest.fixture
def cases(shop):
    cache.clear()
    made = {}
    for n, (name, fields) in enumerate(CASES.items()):
        made[name] = OrderFactory(
            shop=shop,
            order_id=f"57690000000000{n:04d}",
            **({"is_buyer_request_cancel": False} | SHIPPING | BILLING_NONE | fields),
        )
    return made


def test_filter_badges_and_billing_warning_agree(client, admin, cases):
    client.force_login(admin)
    listed = {
        row.order.order_id for row in client.get("/orders/", {"risk": "1"}).context["page"].rows
    }
    calm = {
        row.order.order_id for row in client.get("/orders/", {"risk": "0"}).context["page"].rows
    }
    for name, order in cases.items():
        badged = any(risk.fact.startswith(ROW_FACTS) for risk in order_risks(order))
        detail = order_detail_for_user(user=admin, order_id=order.order_id)
        assert (order.order_id in listed, badged) == (name in RISKY, name in RISKY), name
        assert (order.order_id in calm) == (name not in RISKY), name
        assert detail.billing_differs == (name in BILLING_WARNED), name
