"""What a statement, or a month of statements, adds up to, to the cent:

    gross sales + seller discounts + refunds + fees + shipping + taxes + adjustments
      + not itemised = settlement of the transactions
    settlement of the transactions + not in the transactions = settlement (TikTok's)
    settlement + reserve = payable;  payout = what the linked payments paid

Every amount is signed as TikTok gives it (discounts, refunds, fees and costs negative), so
each line is simply added. One aggregate query per summary over the statements' totals
(finance.models.totals; docs/decisions.md "Finance: signs and sums", "Finance: statement
totals").
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from finance.catalogue import Group
from finance.models import Payment, Statement, StatementTotals
from finance.services.reconcile import month_span

ZERO = Decimal("0.00")
LINES = (
    ("gross_sales_amount", Group.REVENUE.label),
    ("discount_amount", Group.DISCOUNT.label),
    ("refund_amount", Group.REFUND.label),
    ("fee_amount", Group.FEE.label),
    ("shipping_amount", Group.SHIPPING.label),
    ("tax_amount", Group.TAX.label),
    ("adjustment_amount", Group.ADJUSTMENT.label),
    ("unitemised_amount", Group.OTHER.label),
)


@dataclass(frozen=True)
class Summary:
    currency: str
    statements: int
    lines: tuple[tuple[str, Decimal], ...]  # (label, amount), adding up to `transactions`
    transactions: Decimal  # the settlement of the transactions stored
    not_in_transactions: Decimal  # TikTok's settlement less that (transactions not all read)
    settlement: Decimal  # TikTok's, the statements' settlement_amount
    reserve: Decimal
    payable: Decimal
    payout: Decimal | None  # what the linked payments paid (None: no payment stored)
    payout_currency: str

    @property
    def adds_up(self) -> bool:
        return (
            sum((amount for _, amount in self.lines), ZERO) == self.transactions
            and self.transactions + self.not_in_transactions == self.settlement
            and self.settlement + self.reserve == self.payable
        )


def _summary(statements) -> list[Summary]:
    """One Summary per currency of `statements` (a queryset)."""
    results = []
    currencies = sorted(set(statements.values_list("currency", flat=True)))
    for currency in currencies:
        chosen = statements.filter(currency=currency)
        totals = StatementTotals.objects.filter(statement__in=chosen).aggregate(
            transactions=Sum("settlement_amount"),
            txn_reserve=Sum("reserve_amount"),
            **{name: Sum(name) for name, _ in LINES},
        )
        heads = chosen.aggregate(settlement=Sum("settlement_amount"), count=Sum(1))
        payments = Payment.objects.filter(Q(statements__in=chosen), ~Q(status="FAILED")).distinct()
        paid = list(payments.values_list("amount", "currency"))
        lines = tuple((label, totals[name] or ZERO) for name, label in LINES)
        transactions = totals["transactions"] or ZERO
        settlement = heads["settlement"] or ZERO
        reserve = totals["txn_reserve"] or ZERO
        results.append(
            Summary(
                currency=currency,
                statements=heads["count"] or 0,
                lines=lines,
                transactions=transactions,
                not_in_transactions=settlement - transactions,
                settlement=settlement,
                reserve=reserve,
                payable=settlement + reserve,
                payout=sum((amount for amount, _ in paid), ZERO) if paid else None,
                payout_currency=paid[0][1] if paid else "",
            )
        )
    return results


def statement_summary(statement: Statement) -> Summary:
    return _summary(Statement.objects.filter(pk=statement.pk))[0]


def month_summaries(shop, year: int, month: int) -> list[Summary]:
    """The month's statements (UTC days) of the shop, one Summary per currency."""
    since, until = month_span(year, month)
    return _summary(
        Statement.objects.filter(shop=shop, statement_time__gte=since, statement_time__lt=until)
    )
