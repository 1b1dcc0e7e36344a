"""Storing what TikTok (or a finance file) says a shop was paid: statements, their
transactions with every component, SKU rows, unsettled estimates, payments and withdrawals.

Everything is an upsert by TikTok's id, so storing the same page again adds nothing and
changes nothing but `updated_at`. A transaction's components are written with it, and its
group totals from them (finance.catalogue.SUMMED_GROUPS), `unitemised_amount` holding what its
settlement has beyond them: the groups always add up to the settlement to the cent.
The statements' totals (finance.services.totals) are rebuilt in the same transaction.
A transaction is matched to our order when we hold one of that TikTok id (reconciliation
matches the ones whose order arrives later).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from finance.catalogue import UNITEMISED_KEY, Group, Section
from finance.models import (
    Payment,
    SettlementTransaction,
    Source,
    Statement,
    TransactionComponent,
    TransactionSku,
    UnsettledTransaction,
    Withdrawal,
)
from finance.services.catalogue import components_for, types_ensure
from finance.services.totals import totals_rebuild
from finance.values import ZERO, FinanceRefused, StatementValues, TransactionValues
from orders.models import Order

# A group's total on the transaction row (the adjustment group is TikTok's adjustment_amount).
GROUP_COLUMNS = {
    Group.REVENUE: "gross_sales_amount",
    Group.DISCOUNT: "discount_amount",
    Group.REFUND: "refund_amount",
    Group.FEE: "fee_amount",
    Group.SHIPPING: "shipping_amount",
    Group.TAX: "tax_amount",
    Group.OTHER: "unitemised_amount",
}
TRANSACTION_FIELDS = (
    "statement",
    "type",
    "order",
    "order_tiktok_id",
    "adjustment_id",
    "reserve_id",
    "reserve_status",
    "estimated_release_time",
    "order_create_time",
    "currency",
    "settlement_amount",
    "revenue_amount",
    "shipping_cost_amount",
    "fee_tax_amount",
    "adjustment_amount",
    "reserve_amount",
    *GROUP_COLUMNS.values(),
    "breakdown",
    "source",
    "updated_at",
)


# What makes a stored statement "changed" (its transactions are read again; a payment status
# that moves does not), and the totals its transactions give once read.
CHANGES = ("settlement_amount", "revenue_amount", "adjustment_amount")
TOTALS_FROM_TRANSACTIONS = ("fee_tax_amount", "shipping_cost_amount")


@dataclass
class StoreReport:
    created: int = 0
    updated: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (what, why)

    def add(self, other: "StoreReport") -> None:
        self.created += other.created
        self.updated += other.updated
        self.refused += other.refused

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "refused": len(self.refused)}


def order_ids_for(shop, tiktok_ids) -> dict[str, int]:
    """Our orders of the shop by TikTok order id, among `tiktok_ids`."""
    ids = {value for value in tiktok_ids if value}
    if not ids:
        return {}
    return dict(Order.objects.filter(shop=shop, order_id__in=ids).values_list("order_id", "pk"))


def statement_store(shop, values: StatementValues, *, source: str = Source.API):
    """(statement, created, changed): by TikTok's id, or the file's statement of the same day
    and currency that had none. `changed` when its amounts are not what was stored."""
    fields = {
        "statement_time": values.statement_time,
        "statement_date": values.statement_date,
        "currency": values.currency,
        "settlement_amount": values.settlement_amount,
        "revenue_amount": values.revenue_amount,
        "fee_tax_amount": values.fee_tax_amount,
        "shipping_cost_amount": values.shipping_cost_amount,
        "adjustment_amount": values.adjustment_amount,
        "net_sales_amount": values.net_sales_amount,
        "payment_status": values.payment_status,
        "tiktok_payment_id": values.tiktok_payment_id,
        "payment_time": values.payment_time,
        "raw": values.raw,
    }
    with transaction.atomic():
        same_day = Statement.objects.select_for_update().filter(
            shop=shop, statement_date=values.statement_date, currency=values.currency
        )
        found = None
        if values.statement_id:
            found = (
                Statement.objects.select_for_update()
                .filter(shop=shop, statement_id=values.statement_id)
                .first()
            )
        if found is None:
            found = same_day.filter(statement_id="").first()
        if found is None and (other := same_day.first()) is not None:
            raise FinanceRefused(
                f"statement {values.statement_id or 'without an id'} is of "
                f"{values.statement_date:%Y-%m-%d} in {values.currency}, and statement "
                f"{other.statement_id} of that day is stored already"
            )
        if found is None:
            statement = Statement.objects.create(
                shop=shop, statement_id=values.statement_id, source=source, **fields
            )
            return statement, True, True
        if found.transactions_pulled_at is not None:
            # The statement's transactions gave these totals; Get Statements' own (fee_amount
            # excludes shipping outside SEA) would not compare like with like.
            for name in TOTALS_FROM_TRANSACTIONS:
                fields.pop(name)
        changed = any(getattr(found, name) != fields[name] for name in CHANGES if name in fields)
        if values.statement_id and not found.statement_id:
            found.statement_id, found.source, changed = values.statement_id, source, True
        for name, value in fields.items():
            setattr(found, name, value)
        if payment := Payment.objects.filter(
            shop=shop, payment_id=values.tiktok_payment_id or "-"
        ).first():
            found.payment = payment
        found.save()
        return found, False, changed


def _totals(values: TransactionValues, ids: dict) -> tuple[dict, list[tuple[int, object]]]:
    """The group columns of a transaction and its (component id, amount) rows."""
    totals = dict.fromkeys(GROUP_COLUMNS.values(), ZERO)
    adjustment = ZERO
    amounts: dict[int, object] = defaultdict(lambda: ZERO)
    for section, key, amount in values.components:
        pk, group = ids[(section, key)]
        amounts[pk] += amount
        if group == Group.ADJUSTMENT:
            adjustment += amount
        elif group in GROUP_COLUMNS:
            totals[GROUP_COLUMNS[group]] += amount
    summed = sum(totals.values(), ZERO) + adjustment
    unitemised = values.settlement_amount - summed
    if unitemised:
        pk, _ = ids[(Section.OTHER, UNITEMISED_KEY)]
        amounts[pk] += unitemised
        totals["unitemised_amount"] += unitemised
    return totals, [(pk, amount) for pk, amount in amounts.items() if amount]


def transactions_store(statement: Statement, rows: list[TransactionValues], *, source=Source.API):
    """Upsert one page of a statement's transactions and their components, atomically."""
    report = StoreReport()
    if not rows:
        return report
    shop = statement.shop
    rows = list({row.transaction_id: row for row in rows}.values())  # a page repeats nothing
    types_ensure(row.type for row in rows)
    ids = components_for(
        {(s, k) for row in rows for s, k, _ in row.components} | {(Section.OTHER, UNITEMISED_KEY)}
    )
    orders = order_ids_for(shop, (row.order_tiktok_id for row in rows))
    now = timezone.now()
    with transaction.atomic():
        if source == Source.API:
            _file_rows_adopt(statement, rows)
        existing = dict(
            SettlementTransaction.objects.filter(
                shop=shop, transaction_id__in=[row.transaction_id for row in rows]
            ).values_list("transaction_id", "statement_id")
        )
        objects, components = [], {}
        for row in rows:
            totals, parts = _totals(row, ids)
            objects.append(
                SettlementTransaction(
                    shop=shop,
                    statement=statement,
                    transaction_id=row.transaction_id,
                    type_id=row.type,
                    order_tiktok_id=row.order_tiktok_id,
                    order_id=orders.get(row.order_tiktok_id),
                    adjustment_id=row.adjustment_id,
                    reserve_id=row.reserve_id,
                    reserve_status=row.reserve_status,
                    estimated_release_time=row.estimated_release_time,
                    order_create_time=row.order_create_time,
                    currency=row.currency,
                    settlement_amount=row.settlement_amount,
                    revenue_amount=row.revenue_amount,
                    shipping_cost_amount=row.shipping_cost_amount,
                    fee_tax_amount=row.fee_tax_amount,
                    adjustment_amount=row.adjustment_amount,
                    reserve_amount=row.reserve_amount,
                    breakdown=row.breakdown,
                    source=source,
                    updated_at=now,
                    **totals,
                )
            )
            components[row.transaction_id] = parts
        stored = SettlementTransaction.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["shop", "transaction_id"],
            update_fields=list(TRANSACTION_FIELDS),
        )
        TransactionComponent.objects.filter(transaction__in=[obj.pk for obj in stored]).delete()
        TransactionComponent.objects.bulk_create(
            [
                TransactionComponent(transaction_id=obj.pk, component_id=pk, amount=amount)
                for obj in stored
                for pk, amount in components[obj.transaction_id]
            ]
        )
        # A transaction stored before under another statement moves: both change.
        totals_rebuild({statement.pk, *existing.values()})
    report.created = len(rows) - len(existing)
    report.updated = len(existing)
    return report


def _file_rows_adopt(statement: Statement, rows: list[TransactionValues]) -> None:
    """The API's row of a transaction first stored from a file takes the file row over."""
    file_rows = {
        (kind, ref): pk
        for pk, kind, order_id, adjustment_id, reserve_id in SettlementTransaction.objects.filter(
            statement=statement, source=Source.FILE
        ).values_list("pk", "type_id", "order_tiktok_id", "adjustment_id", "reserve_id")
        for ref in [adjustment_id or reserve_id or order_id]
    }
    for row in rows:
        key = (row.type, row.adjustment_id or row.reserve_id or row.order_tiktok_id)
        if key in file_rows:
            SettlementTransaction.objects.filter(pk=file_rows.pop(key)).update(
                transaction_id=row.transaction_id, source=Source.API
            )


def statement_pulled(statement: Statement, *, at: datetime | None = None) -> None:
    at = at or timezone.now()
    Statement.objects.filter(pk=statement.pk).update(transactions_pulled_at=at)
    statement.transactions_pulled_at = at


def skus_store(shop, rows: list[dict]) -> StoreReport:
    """Upsert SKU rows keyed by (order, SKU, statement); a row of a statement we do not hold
    is refused with its reason."""
    report = StoreReport()
    statements = dict(
        Statement.objects.filter(
            shop=shop, statement_id__in={row["statement_tiktok_id"] for row in rows}
        ).values_list("statement_id", "pk")
    )
    orders = order_ids_for(shop, (row["order_tiktok_id"] for row in rows))
    objects = []
    for row in rows:
        values = dict(row)
        statement_id = statements.get(values.pop("statement_tiktok_id"))
        if statement_id is None:
            report.refused.append((row["sku_id"], "its statement is not stored yet"))
            continue
        objects.append(
            TransactionSku(
                shop=shop,
                statement_id=statement_id,
                order_id=orders.get(values["order_tiktok_id"]),
                **values,
            )
        )
    if objects:
        TransactionSku.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["shop", "order_tiktok_id", "sku_id", "statement"],
            update_fields=[
                "order",
                "sku_name",
                "product_name",
                "quantity",
                "currency",
                "settlement_amount",
                "revenue_amount",
                "shipping_cost_amount",
                "fee_tax_amount",
                "breakdown",
            ],
        )
    report.updated = len(objects)
    return report


def unsettled_store(shop, rows: list[dict], *, seen_at: datetime) -> StoreReport:
    """Upsert a page of unsettled transactions seen by the pull started at `seen_at`."""
    report = StoreReport()
    if not rows:
        return report
    rows = list({row["transaction_id"]: row for row in rows}.values())
    types_ensure(row["type_code"] for row in rows)
    orders = order_ids_for(shop, (row["order_tiktok_id"] for row in rows))
    objects = [
        UnsettledTransaction(
            shop=shop,
            type_id=row["type_code"],
            order_id=orders.get(row["order_tiktok_id"]),
            seen_at=seen_at,
            **{k: v for k, v in row.items() if k != "type_code"},
        )
        for row in rows
    ]
    fields = [name for name in rows[0] if name not in ("type_code", "transaction_id")]
    UnsettledTransaction.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["shop", "transaction_id"],
        update_fields=[*fields, "type", "order", "seen_at"],
    )
    report.updated = len(objects)
    return report


def unsettled_forget(shop, *, seen_before: datetime) -> int:
    """Unsettled rows the last full pull no longer listed: they have settled (or gone)."""
    deleted, _ = UnsettledTransaction.objects.filter(shop=shop, seen_at__lt=seen_before).delete()
    return deleted


def _by_id_store(model, shop, rows: list[dict], key: str) -> StoreReport:
    """Upsert `model` rows of the shop by their TikTok id field `key`."""
    report = StoreReport()
    if not rows:
        return report
    rows = list({row[key]: row for row in rows}.values())
    existing = set(
        model.objects.filter(shop=shop, **{f"{key}__in": [r[key] for r in rows]}).values_list(
            key, flat=True
        )
    )
    model.objects.bulk_create(
        [model(shop=shop, **row) for row in rows],
        update_conflicts=True,
        unique_fields=["shop", key],
        update_fields=[name for name in rows[0] if name != key] + ["updated_at"],
    )
    report.created, report.updated = len(rows) - len(existing), len(existing)
    return report


def payments_store(shop, rows: list[dict]) -> StoreReport:
    """Upsert payments, and link the statements that name them."""
    with transaction.atomic():
        report = _by_id_store(Payment, shop, rows, "payment_id")
        payment_links(shop)
    return report


def withdrawals_store(shop, rows: list[dict]) -> StoreReport:
    return _by_id_store(Withdrawal, shop, rows, "withdrawal_id")


def payment_links(shop) -> int:
    """Each statement linked to the stored payment it names (one UPDATE)."""
    named = Payment.objects.filter(shop_id=shop.pk, payment_id=OuterRef("tiktok_payment_id"))
    payment = Subquery(named.values("id")[:1])
    unlinked = Statement.objects.filter(shop_id=shop.pk).filter(Exists(named))
    return unlinked.exclude(payment_id=payment).update(payment_id=payment)
