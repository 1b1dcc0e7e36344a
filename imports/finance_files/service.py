"""Importing a Seller Center finance file (docs/finance-files.md): read → plan → store, through
the store the API pull uses (finance.services.store), so a statement or transaction imported
from a file and later pulled from TikTok is one row, not two.

All or nothing per file: a file with a bad row stores nothing (the preview lists every bad
row; there is no "import without the bad rows", since a statement without some of its rows
would not add up). A preview runs the whole import in a savepoint and rolls it back, so it
counts exactly what importing would do. The order importer's job machinery (imports.jobs)
runs it, in the request or in a worker, as an ImportJob of kind "finance".

What the API stored wins: a statement pulled from TikTok keeps its amounts, and a file's row
for a transaction the API already gave (same statement, type and order or adjustment id) is
left as the API stored it.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import AuditAction, Shop
from accounts.services import audit_record
from finance.models import (
    SettlementTransaction,
    Source,
    Statement,
    TransactionSku,
    UnsettledTransaction,
)
from finance.services.store import (
    order_ids_for,
    skus_store,
    statement_store,
    transactions_store,
    unsettled_store,
)
from finance.values import ZERO, FinanceRefused, StatementValues, utc_day_start
from imports.apply import ImportRefused
from imports.badrows import BadRows
from imports.bounds import UnreadableFile
from imports.finance_files.read import FinanceFile
from imports.finance_files.rows import FilePlan, StatementPlan, file_plan

SHOWN = 20


class _Preview(Exception):
    """Raised at the end of a dry run to roll its savepoint back."""


@dataclass
class FinanceImportReport:
    layout: str = ""
    dry_run: bool = False
    rows: int = 0
    statements_created: int = 0
    statements_updated: int = 0
    created: int = 0  # transactions
    updated: int = 0
    unchanged: int = 0
    from_api: int = 0  # rows TikTok's API had already given: left as it stored them
    skus_created: int = 0
    unsettled_created: int = 0
    unsettled_unchanged: int = 0
    unknown_orders: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    notices: list[dict] = field(default_factory=list)
    errors: BadRows = field(default_factory=BadRows)

    def summary(self) -> str:
        would = self.dry_run
        made = ngettext(
            "%(n)s transaction would be added" if would else "%(n)s transaction was added",
            "%(n)s transactions would be added" if would else "%(n)s transactions were added",
            self.created,
        ) % {"n": self.created}
        statements = ngettext(
            "%(n)s new statement", "%(n)s new statements", self.statements_created
        ) % {"n": self.statements_created}
        text = (
            f"{made}, {self.updated} changed, {self.unchanged} unchanged, "
            f"{self.from_api} already pulled from TikTok; {statements}"
        )
        if self.unsettled_created or self.unsettled_unchanged:
            text += (
                f"; {self.unsettled_created} unsettled estimates new, "
                f"{self.unsettled_unchanged} unchanged"
            )
        return text + "."

    def as_dict(self) -> dict:
        counts = (
            "layout",
            "dry_run",
            "rows",
            "statements_created",
            "statements_updated",
            "created",
            "updated",
            "unchanged",
            "from_api",
            "skus_created",
            "unsettled_created",
            "unsettled_unchanged",
            "unknown_orders",
        )
        return {
            **{name: getattr(self, name) for name in counts},
            "summary": self.summary(),
            "ignored_columns": self.ignored_columns[:SHOWN],
            "ignored_more": max(0, len(self.ignored_columns) - SHOWN),
            "notices": self.notices[:SHOWN],
            "notice_count": len(self.notices),
            **self.errors.as_dict(),
        }


def finance_file_check(content: bytes, name: str, shop: Shop) -> FinanceFile:
    """The file read and its layout known, or UnreadableFile saying why (another market's or
    another kind of file included)."""
    file = FinanceFile(content, name)
    layout = file.layout
    if layout.markets and shop.market.upper() not in layout.markets:
        raise UnreadableFile(
            f"This is a Seller Center {layout.label}, which TikTok makes for "
            f"{layout.market_words}; {shop.name} is a {shop.market.upper()} shop. "
            "Upload it into the shop it belongs to."
        )
    return file


def import_finance_file(
    *,
    shop: Shop,
    source: bytes | Path,
    name: str = "",
    actor=None,
    dry_run: bool = False,
    progress=None,
    job=None,
    **_ignored,  # the order importer's options (skip_errors, date_format): not for these files
) -> FinanceImportReport:
    """Read, check and (unless `dry_run`) store a finance file in `shop`. Raises
    UnreadableFile (not a finance file of the shop's market) or ImportRefused (bad rows):
    then nothing is stored."""
    content = source.read_bytes() if isinstance(source, Path) else source
    file = finance_file_check(content, name, shop)
    plan = file_plan(file, shop.zone)
    report = FinanceImportReport(
        layout=plan.label,
        dry_run=dry_run,
        rows=plan.rows,
        ignored_columns=plan.ignored,
        notices=plan.notices,
        errors=plan.errors,
    )
    if report.errors and not dry_run:
        raise ImportRefused(report.errors)
    try:
        with transaction.atomic():
            _store(shop, plan, report, progress)
            if dry_run:
                raise _Preview
            audit_record(
                action=AuditAction.IMPORT,
                actor=actor,
                shop=shop,
                target=name[:200] or "Seller Center finance file",
                payload={"summary": report.summary(), "layout": plan.label},
            )
    except _Preview:
        pass
    except FinanceRefused as refused:
        raise UnreadableFile(str(refused)) from None
    return report


def _store(shop: Shop, plan: FilePlan, report: FinanceImportReport, progress) -> None:
    done = 0
    known = set(
        order_ids_for(
            shop,
            (
                values.order_tiktok_id
                for statement in plan.statements.values()
                for _, values in statement.transactions.values()
            ),
        )
    )
    for statement_plan in plan.statements.values():
        statement = _statement(shop, statement_plan, report)
        _transactions(statement, statement_plan, report, known)
        _skus(shop, statement_plan, report)
        if statement.source == Source.FILE:
            _totals(statement)
        done += len(statement_plan.transactions)
        if progress:
            progress(min(done, plan.rows), plan.rows)
    _unsettled(shop, plan, report)
    if progress:
        progress(plan.rows, plan.rows)


def _statement(shop: Shop, plan: StatementPlan, report: FinanceImportReport) -> Statement:
    """The stored statement the file's rows belong to: by TikTok's id, or the statement of that
    day and currency; one is made (from the file) when none is stored."""
    match = (
        Q(statement_id=plan.statement_id)
        if plan.statement_id
        else Q(statement_date=plan.day, currency=plan.currency)
    )
    found = Statement.objects.filter(shop=shop).filter(match).first()
    if found is not None and (found.source == Source.API or not plan.statement_id):
        return found
    statement, created, _ = statement_store(
        shop,
        StatementValues(
            statement_id=plan.statement_id,
            statement_time=utc_day_start(plan.day),
            currency=plan.currency,
            tiktok_payment_id=plan.payout_id,
            raw={"file": True},
        ),
        source=Source.FILE,
    )
    report.statements_created += created
    return statement


def _transactions(statement: Statement, plan: StatementPlan, report, known: set) -> None:
    rows = [values for _, values in plan.transactions.values()]
    stored = {
        (kind, adjustment or reserve or order): (transaction_id, source, settlement, breakdown)
        for transaction_id, source, kind, order, adjustment, reserve, settlement, breakdown in (
            SettlementTransaction.objects.filter(statement=statement).values_list(
                "transaction_id",
                "source",
                "type_id",
                "order_tiktok_id",
                "adjustment_id",
                "reserve_id",
                "settlement_amount",
                "breakdown",
            )
        )
    }
    elsewhere = set(
        SettlementTransaction.objects.filter(
            shop=statement.shop, transaction_id__in=[row.transaction_id for row in rows]
        )
        .exclude(statement=statement)
        .values_list("transaction_id", flat=True)
    )
    write = []
    for row in rows:
        same = stored.get((row.type, row.adjustment_id or row.order_tiktok_id))
        if row.order_tiktok_id and row.order_tiktok_id not in known:
            report.unknown_orders += 1
        if same and same[1] == Source.API:
            report.from_api += 1
        elif same and same[2] == row.settlement_amount and same[3] == row.breakdown:
            report.unchanged += 1
        else:
            write.append(row)
            if same or row.transaction_id in elsewhere:
                report.updated += 1
            else:
                report.created += 1
    transactions_store(statement, write, source=Source.FILE)


def _skus(shop: Shop, plan: StatementPlan, report) -> None:
    if not plan.skus:
        return
    existing = set(
        TransactionSku.objects.filter(
            shop=shop, statement__statement_id=plan.statement_id
        ).values_list("order_tiktok_id", "sku_id")
    )
    report.skus_created += sum(
        (row["order_tiktok_id"], row["sku_id"]) not in existing for row in plan.skus
    )
    skus_store(shop, plan.skus)


def _totals(statement: Statement) -> None:
    """A statement known only from files: its amounts are the sum of its stored rows."""
    sums = SettlementTransaction.objects.filter(statement=statement).aggregate(
        settlement=Sum("settlement_amount"),
        revenue=Sum("revenue_amount"),
        fees=Sum("fee_tax_amount"),
        shipping=Sum("shipping_cost_amount"),
        adjustment=Sum("adjustment_amount"),
    )
    Statement.objects.filter(pk=statement.pk).update(
        settlement_amount=sums["settlement"] or ZERO,
        revenue_amount=sums["revenue"] or ZERO,
        fee_tax_amount=sums["fees"] or ZERO,
        shipping_cost_amount=sums["shipping"] or ZERO,
        adjustment_amount=sums["adjustment"] or ZERO,
        updated_at=timezone.now(),
    )


def _unsettled(shop: Shop, plan: FilePlan, report) -> None:
    """Estimates: one the API already listed for the same order and type is left alone."""
    if not plan.unsettled:
        return
    rows = [values for _, values in plan.unsettled]
    by_api = set(
        UnsettledTransaction.objects.filter(shop=shop)
        .exclude(transaction_id__startswith="file:")
        .values_list("type_id", "order_tiktok_id", "adjustment_id")
    )
    stored = {
        transaction_id: (settlement, breakdown)
        for transaction_id, settlement, breakdown in UnsettledTransaction.objects.filter(
            shop=shop, transaction_id__in=[row["transaction_id"] for row in rows]
        ).values_list("transaction_id", "est_settlement_amount", "breakdown")
    }
    write = []
    for row in rows:
        key = (row["type_code"], row["order_tiktok_id"], row["adjustment_id"])
        same = stored.get(row["transaction_id"])
        if key in by_api:
            report.from_api += 1
        elif same == (row["est_settlement_amount"], row["breakdown"]):
            report.unsettled_unchanged += 1
        else:
            write.append(row)
            report.unsettled_created += same is None
            report.updated += same is not None
    unsettled_store(shop, write, seen_at=timezone.now())
