"""Reconciliation on a fixed data set (tests/finance/ledger.py): each kind of difference is
found once, with its reason and amounts, the rest matches; a re-run adds nothing, keeps an
explanation while the facts stay, reopens it when they change, resolves what no longer holds."""

from decimal import Decimal

import pytest

from finance.models import Difference, SettlementTransaction
from finance.services.differences import DifferenceNotExplained, difference_explain
from finance.services.reconcile import reconcile
from orders.statuses import OrderStatus
from tests.accounts.factories import member
from tests.finance import ledger
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def found(shop) -> dict[str, Difference]:
    return {d.key: d for d in Difference.objects.filter(shop=shop)}


def test_each_kind_of_difference_is_found_with_its_reason(shop, books, postgres):
    report = reconcile(shop)
    differences = found(shop)
    b = books
    assert set(differences) == {
        f"revenue:{b['refunded'].order_id}",
        f"fee:{b['greedy'].order_id}",
        "adjustment:805",
        "currency:806",
        f"revenue:{b['off'].order_id}",
        "unknown_order:808",
        f"never_settled:{b['forgotten'].order_id}",
    }
    refund = differences[f"revenue:{b['refunded'].order_id}"]
    assert (refund.kind, refund.reason) == ("amount_differs", "refund_not_reflected")
    product = b["refunded"].original_total_product_price - b["refunded"].seller_discount
    assert refund.expected_amount == Decimal("0.00") and refund.actual_amount == product
    assert "was refunded, but TikTok's revenue of" in refund.sentence
    fee = differences[f"fee:{b['greedy'].order_id}"]
    assert fee.reason == "unexpected_fee" and fee.actual_amount < fee.expected_amount < 0
    adjusted = differences["adjustment:805"]
    assert (adjusted.reason, adjusted.actual_amount) == ("adjustment", Decimal("-3.00"))
    assert "Shipping fee adjustment" in adjusted.sentence
    assert differences["currency:806"].kind == "currency_mismatch"
    assert "in GBP, but the order is in USD" in differences["currency:806"].sentence
    off = differences[f"revenue:{b['off'].order_id}"]
    assert off.reason == "other" and off.actual_amount - off.expected_amount == Decimal("-1.50")
    unknown = differences["unknown_order:808"]
    assert unknown.kind == "unknown_order" and unknown.order_id is None
    assert "no order 579000000000000999 is in the portal" in unknown.sentence
    never = differences[f"never_settled:{b['forgotten'].order_id}"]
    assert never.kind == "never_settled" and "has not settled it (45 days)" in never.sentence
    assert report.differences == 7 and all(d.status == "open" for d in differences.values())
    # The unknown order's transaction is kept, unmatched; the others are matched.
    assert SettlementTransaction.objects.get(transaction_id="808").order_id is None
    assert SettlementTransaction.objects.get(transaction_id="801").order == b["ok"]


def test_a_re_run_adds_nothing_and_an_explanation_stays(shop, books, postgres):
    reconcile(shop)
    accountant = member(shop=shop, role="accountant")
    key = f"fee:{books['greedy'].order_id}"
    difference_explain(
        difference=found(shop)[key], user=accountant, note="Campaign fee agreed in March."
    )
    before = {k: (d.pk, d.facts) for k, d in found(shop).items()}
    reconcile(shop)
    reconcile(shop)
    after = found(shop)
    assert {k: (d.pk, d.facts) for k, d in after.items()} == before
    assert after[key].status == "explained" and after[key].note == "Campaign fee agreed in March."
    assert after[key].explained_by == accountant
    assert sum(d.status == "open" for d in after.values()) == 6


def test_an_explained_difference_opens_again_when_its_facts_change(shop, books, postgres):
    reconcile(shop)
    accountant = member(shop=shop, role="accountant")
    key = f"revenue:{books['off'].order_id}"
    difference_explain(difference=found(shop)[key], user=accountant, note="Promotion.")
    changed = ledger.order_settlement(books["off"], txn="807", revenue_change=Decimal("-2.00"))
    ledger.store(books["second"], changed)
    reconcile(shop)
    difference = found(shop)[key]
    assert difference.status == "open" and difference.actual_amount - difference.expected_amount
    assert difference.note == "Promotion."  # what was said stays readable


def test_what_no_longer_holds_is_resolved(shop, books, postgres):
    reconcile(shop)
    OrderFactory(
        shop=shop, order_id="579000000000000999", status=OrderStatus.COMPLETED,
        original_total_product_price=Decimal("1.00"),
    )  # fmt: skip
    ledger.store(books["second"], ledger.order_settlement(books["forgotten"], txn="809"))
    report = reconcile(shop)
    differences = found(shop)
    assert differences["unknown_order:808"].status == "resolved"
    assert differences[f"never_settled:{books['forgotten'].order_id}"].status == "resolved"
    assert report.resolved == 2
    with pytest.raises(DifferenceNotExplained, match="no longer holds"):
        difference_explain(
            difference=differences["unknown_order:808"],
            user=member(shop=shop, role="accountant"),
            note="x",
        )


def test_a_statement_alone_is_reconciled_without_the_never_settled_search(shop, books, postgres):
    report = reconcile(shop, statement=books["second"])
    assert report.differences == 6
    assert not any(key.startswith("never_settled") for key in found(shop))


def test_an_explanation_needs_a_note(shop, books, postgres):
    reconcile(shop)
    with pytest.raises(DifferenceNotExplained, match="note"):
        difference_explain(
            difference=found(shop)["currency:806"], user=member(shop=shop, role="accountant"),
            note="  ",
        )  # fmt: skip
