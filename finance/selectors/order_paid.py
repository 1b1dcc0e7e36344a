"""The order page's "TikTok paid": what TikTok settled for the order, statement by statement,
with its fee breakdown; or, before it settled, what TikTok estimates (unsettled).

Shown only to people who may view finance in the order's shop (finance.apps registers it on
the order page, orders.page_parts)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from accounts.access import user_has_shop_perm
from accounts.roles import Perm
from finance.catalogue import Group
from finance.models import SettlementTransaction, TransactionComponent, UnsettledTransaction
from finance.selectors.statements import ESTIMATES, per_currency
from finance.selectors.summary import LINES
from orders.page_parts import OrderPagePart


@dataclass
class Paid:
    currency: str
    lines: list[tuple[str, Decimal]]  # (group label, amount), adding up to `settlement`
    settlement: Decimal
    components: list[dict] = field(default_factory=list)  # the fee breakdown, by key
    transactions: list[SettlementTransaction] = field(default_factory=list)


def _of(order, prefix: str = "") -> Q:
    """Rows about `order`: matched to it, or naming its TikTok id in its shop (before the
    reconciliation matched them)."""
    return Q(**{f"{prefix}order": order}) | Q(
        **{f"{prefix}shop": order.shop_id, f"{prefix}order_tiktok_id": order.order_id}
    )


def order_paid(*, order) -> list[Paid]:
    """What TikTok settled for `order`, one Paid per currency (one, normally)."""
    transactions = list(
        SettlementTransaction.objects.filter(_of(order))
        .select_related("statement", "type")
        .order_by("statement__statement_date", "pk")
    )
    if not transactions:
        return []
    components = (
        TransactionComponent.objects.filter(_of(order, "transaction__"))
        .exclude(component__group=Group.REFERENCE)
        .values("transaction__currency", "component__label", "component__position")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by("component__position", "component__label")
    )
    paid = []
    for row in _totals(transactions):
        currency = row["currency"]
        lines = [(label, row[name]) for name, label in LINES if row[name]]
        paid.append(
            Paid(
                currency=currency,
                lines=lines,
                settlement=row["settlement"],
                components=[
                    {"label": c["component__label"], "total": c["total"]}
                    for c in components
                    if c["transaction__currency"] == currency
                ],
                transactions=[t for t in transactions if t.currency == currency],
            )
        )
    return paid


def _totals(transactions: list[SettlementTransaction]) -> list[dict]:
    """Per currency, in currency order: the settlement and each line added up over the
    order's transactions, which the page has read already."""
    names = ("settlement_amount", *(name for name, _ in LINES))
    sums: dict[str, dict] = {}
    for transaction in transactions:
        row = sums.setdefault(transaction.currency, dict.fromkeys(names, Decimal(0)))
        for name in names:
            row[name] += getattr(transaction, name)
    return [
        {"currency": currency, "settlement": row.pop("settlement_amount"), **row}
        for currency, row in sorted(sums.items())
    ]


def order_estimated(*, order) -> list[dict]:
    """TikTok's estimates for the order not yet settled, per currency."""
    return per_currency(UnsettledTransaction.objects.filter(_of(order)), ESTIMATES)


def order_paid_part(*, user, order) -> OrderPagePart | None:
    """The order page's "TikTok paid" part, for those who may view finance in its shop."""
    if not user_has_shop_perm(user, order.shop, Perm.VIEW_FINANCE):
        return None
    return OrderPagePart(
        template="finance/order_paid.html",
        context={"paid": order_paid(order=order), "estimated": order_estimated(order=order)},
    )
