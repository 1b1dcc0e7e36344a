"""A connected shop's finance data pulled from TikTok (docs/decisions.md "Finance: the pull").

Statements come from Get Statements by statement time, from the shop's watermark less
TIKTOK_FINANCE_OVERLAP_DAYS (the first pull: TIKTOK_FINANCE_BACKFILL_DAYS back); each new or
changed statement, or one whose transactions were not all read, has its transactions read page
by page (202501) and stored through finance.services.store, one transaction per page. The
watermark moves only once every statement of the run is stored, so a run that stops is run
again from the same place; everything is an upsert by TikTok's id, so nothing is counted twice.
Payments and withdrawals follow the same way; the unsettled list is read whole and replaces
the last one; SKU rows are read per settled order, TIKTOK_FINANCE_ORDER_CALLS a run. Last, the
months pulled are reconciled. Calls go through connection_call (token refresh, re-authorization)
and the client's retries.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from finance.models import FinanceSync, SettlementTransaction, Statement, TransactionSku
from finance.services.reconcile import reconcile
from finance.services.store import (
    StoreReport,
    payment_links,
    payments_store,
    skus_store,
    statement_pulled,
    statement_store,
    transactions_store,
    unsettled_forget,
    unsettled_store,
    withdrawals_store,
)
from finance.tiktok_finance import (
    payment_values,
    sku_values,
    statement_values,
    transaction_values,
    unsettled_values,
    withdrawal_values,
)
from finance.values import FinanceRefused, signed_amount, utc_day_start
from tiktok.client import TikTokClient
from tiktok.exceptions import ConnectionUnusable, TikTokError
from tiktok.models import ConnectionState, TikTokConnection
from tiktok.services.connections import connection_error_record, connection_unusable
from tiktok.services.sync import connections_queue
from tiktok.services.tokens import connection_call

log = logging.getLogger(__name__)
PULL_TASK = "tiktok.tasks.tiktok_finance_pull_shop"
FINANCE_SCOPE = "seller.finance.info"


@dataclass
class FinancePullReport:
    statements: StoreReport = field(default_factory=StoreReport)
    transactions: StoreReport = field(default_factory=StoreReport)
    payments: StoreReport = field(default_factory=StoreReport)
    withdrawals: StoreReport = field(default_factory=StoreReport)
    unsettled: int = 0
    skus: int = 0
    pages: int = 0
    differences: int = 0
    skipped: str = ""
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "statements": self.statements.as_dict(),
            "transactions": self.transactions.as_dict(),
            "payments": self.payments.as_dict(),
            "withdrawals": self.withdrawals.as_dict(),
            "unsettled": self.unsettled,
            "skus": self.skus,
            "pages": self.pages,
            "differences": self.differences,
            **({"skipped": self.skipped} if self.skipped else {}),
            **({"error": self.error} if self.error else {}),
        }


def _lock_key(connection_id: int) -> str:
    return f"tiktok:finance-lock:{connection_id}"


def _queued_key(connection_id: int) -> str:
    return f"tiktok:finance-queued:{connection_id}"


class _Pull:
    """One run over one connection."""

    def __init__(self, connection, client, report: FinancePullReport, now: datetime):
        self.connection, self.client, self.report, self.now = connection, client, report, now
        self.shop = connection.shop
        self.lock_token = uuid.uuid4().hex

    def call(self, method: str, **arguments):
        self.report.pages += 1
        cache.touch(_lock_key(self.connection.pk), timeout=settings.TIKTOK_SYNC_LOCK_SECONDS)
        return connection_call(
            connection=self.connection,
            client=self.client,
            call=lambda access: getattr(self.client, method)(
                access_token=access, shop_cipher=self.connection.shop_cipher, **arguments
            ),
        )

    def pages(self, method: str, **arguments):
        token = ""
        size = settings.TIKTOK_FINANCE_PAGE_SIZE
        while True:
            page = self.call(method, page_token=token, page_size=size, **arguments)
            yield page
            token = page.next_page_token
            if not token:
                return

    def since(self, watermark: datetime | None) -> datetime:
        if watermark is None:
            return self.now - timedelta(days=settings.TIKTOK_FINANCE_BACKFILL_DAYS)
        return watermark - timedelta(days=settings.TIKTOK_FINANCE_OVERLAP_DAYS)

    def statements(self, since: datetime) -> None:
        for page in self.pages(
            "get_statements", statement_time_ge=since, statement_time_lt=self.now
        ):
            for item in page.items:
                try:
                    values = statement_values(item)
                    statement, created, changed = statement_store(self.shop, values)
                except FinanceRefused as refusal:
                    self.report.statements.refused.append((str(item.get("id", "?")), str(refusal)))
                    continue
                self.report.statements.created += created
                self.report.statements.updated += not created
                if created or changed or statement.transactions_pulled_at is None:
                    self.transactions(statement)

    def transactions(self, statement: Statement) -> None:
        totals = {}
        for page in self.pages("get_statement_transactions", statement_id=statement.statement_id):
            rows = []
            for item in page.items:
                try:
                    rows.append(transaction_values(item, statement.currency))
                except FinanceRefused as refusal:
                    what = f"statement {statement.statement_id}, {item.get('id', '?')}"
                    self.report.transactions.refused.append((what, str(refusal)))
            self.report.transactions.add(transactions_store(statement, rows))
            totals = totals or page.data
        self.statement_totals(statement, totals)
        statement_pulled(statement, at=self.now)

    def statement_totals(self, statement: Statement, data: dict) -> None:
        """Get Transactions by Statement's totals on the statement."""
        breakdown = data.get("total_settlement_breakdown") or {}
        try:
            values = {
                "reserve_amount": signed_amount(data.get("total_reserve_amount"), "reserve"),
                "payable_amount": signed_amount(data.get("payable_amount"), "payable")
                if data.get("payable_amount") not in (None, "")
                else None,
                "shipping_cost_amount": signed_amount(
                    breakdown.get("total_shipping_cost_amount"), "shipping"
                ),
                "fee_tax_amount": signed_amount(breakdown.get("total_fee_tax_amount"), "fees"),
            }
        except FinanceRefused as refusal:
            self.report.statements.refused.append((statement.statement_id, str(refusal)))
            return
        count = data.get("total_count")
        values["transactions_expected"] = count if isinstance(count, int) and count >= 0 else None
        Statement.objects.filter(pk=statement.pk).update(**values)

    def payments(self, since: datetime) -> None:
        for page in self.pages("get_payments", create_time_ge=since, create_time_lt=self.now):
            rows = self._read(page.items, payment_values, self.report.payments)
            self.report.payments.add(payments_store(self.shop, rows))

    def withdrawals(self, since: datetime) -> None:
        for page in self.pages("get_withdrawals", create_time_ge=since, create_time_lt=self.now):
            rows = self._read(page.items, withdrawal_values, self.report.withdrawals)
            self.report.withdrawals.add(withdrawals_store(self.shop, rows))

    def unsettled(self) -> None:
        for page in self.pages("get_unsettled_transactions"):
            rows = self._read(page.items, unsettled_values, StoreReport())
            self.report.unsettled += unsettled_store(self.shop, rows, seen_at=self.now).updated
        unsettled_forget(self.shop, seen_before=self.now)

    def skus(self) -> None:
        """SKU rows of the settled orders that have none yet, a few a run."""
        missing = (
            SettlementTransaction.objects.filter(shop=self.shop, type_id="ORDER")
            .exclude(order_tiktok_id="")
            .filter(
                ~Exists(
                    TransactionSku.objects.filter(
                        shop=self.shop,
                        order_tiktok_id=OuterRef("order_tiktok_id"),
                        statement=OuterRef("statement"),
                    )
                )
            )
            .order_by("-statement__statement_time")
            .values_list("order_tiktok_id", "currency")
            .distinct()[: settings.TIKTOK_FINANCE_ORDER_CALLS]
        )
        for order_id, currency in list(missing):
            page = self.call("get_order_transactions", order_id=order_id)
            currency = str(page.data.get("currency") or currency)
            rows = self._read(
                page.items, lambda item, o=order_id, c=currency: sku_values(item, o, c)
            )
            self.report.skus += skus_store(self.shop, rows).updated

    @staticmethod
    def _read(items, read, report: StoreReport | None = None) -> list:
        rows = []
        for item in items:
            try:
                rows.append(read(item))
            except FinanceRefused as refusal:
                if report is not None:
                    report.refused.append((str(item.get("id", "?")), str(refusal)))
        return rows


def connection_finance_pull(
    *, connection_id: int, client: TikTokClient | None = None, now: datetime | None = None
) -> FinancePullReport:
    """Pull the shop's finance data and reconcile the months it touched; skipped while
    another pull of the shop runs."""
    report = FinancePullReport()
    cache.delete(_queued_key(connection_id))
    token = uuid.uuid4().hex
    if not cache.add(_lock_key(connection_id), token, timeout=settings.TIKTOK_SYNC_LOCK_SECONDS):
        report.skipped = "a finance pull of this shop is running"
        return report
    try:
        connection = (
            TikTokConnection.objects.select_related("shop").filter(pk=connection_id).first()
        )
        report.skipped = connection_unusable(connection)
        if not report.skipped and not connection.has_scope(FINANCE_SCOPE):
            report.skipped = "the seller did not grant finance access (seller.finance.info)"
        if not report.skipped:
            _run(connection, client or TikTokClient.from_settings(), report, now or timezone.now())
    finally:
        if cache.get(_lock_key(connection_id)) == token:
            cache.delete(_lock_key(connection_id))
    return report


def _run(connection, client, report: FinancePullReport, now: datetime) -> None:
    state, _ = FinanceSync.objects.get_or_create(shop=connection.shop)
    pull = _Pull(connection, client, report, now)
    try:
        statements_since = pull.since(state.statements_until)
        pull.payments(pull.since(state.payments_until))
        pull.statements(statements_since)
        payment_links(connection.shop)
        FinanceSync.objects.filter(pk=state.pk).update(statements_until=now, payments_until=now)
        pull.withdrawals(pull.since(state.withdrawals_until))
        FinanceSync.objects.filter(pk=state.pk).update(withdrawals_until=now)
        pull.unsettled()
        pull.skus()
        month = statements_since.date().replace(day=1)
        found = reconcile(connection.shop, since=utc_day_start(month), until=None, now=now)
        report.differences = found.differences
        FinanceSync.objects.filter(pk=state.pk).update(
            unsettled_pulled_at=now, last_pulled_at=now, last_error=""
        )
    except ConnectionUnusable as error:
        report.error = str(error)
    except TikTokError as error:
        log.warning("tiktok finance pull of shop %s stopped: %s", connection.shop.slug, error)
        connection_error_record(connection=connection, error=error)
        FinanceSync.objects.filter(pk=state.pk).update(
            last_error=str(error)[:500], last_error_at=timezone.now()
        )
        report.error = str(error)


def connections_finance_due(*, now: datetime | None = None) -> dict:
    """Queue a pull of every connected shop granted finance access and not pulled (nor
    failed) within TIKTOK_FINANCE_INTERVAL_SECONDS, unless one is queued or running."""
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.TIKTOK_FINANCE_INTERVAL_SECONDS)
    pulled = FinanceSync.objects.filter(shop=OuterRef("shop")).filter(
        Q(last_pulled_at__gte=since) | Q(last_error_at__gte=since)
    )
    due = (
        TikTokConnection.objects.filter(state=ConnectionState.CONNECTED)
        .exclude(tiktok_shop_id="")
        .filter(granted_scopes__contains=[FINANCE_SCOPE])
        .filter(~Exists(pulled))
        .values_list("pk", flat=True)
    )
    return connections_queue(list(due), PULL_TASK, lock_key=_lock_key, queued_key=_queued_key)
