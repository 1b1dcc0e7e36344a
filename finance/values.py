"""What storing a statement or a transaction takes, whoever brings it (the TikTok pull,
finance.tiktok_finance; a finance file): plain values, amounts already Decimal and signed as
TikTok gives them. A value that cannot be read refuses its record (FinanceRefused) with a
sentence saying why; nothing is guessed."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

CENT, ZERO, TOO_LARGE = Decimal("0.01"), Decimal("0.00"), Decimal("1e13")


class FinanceRefused(ValueError):
    """A record that cannot be stored, with the sentence that says why."""


def signed_amount(value, name: str, *, required: bool = False) -> Decimal:
    """A signed decimal string of at most 2 places ("-30", "1.23"); empty is 0 unless
    `required`. A Decimal is a file's cell already read as one."""
    if type(value) is Decimal:
        number = value
    elif value in (None, ""):
        if required:
            raise FinanceRefused(f"`{name}` is missing")
        return ZERO
    elif isinstance(value, bool) or not isinstance(value, str | int):
        raise FinanceRefused(f"`{name}` is not a decimal string")
    else:
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise FinanceRefused(f"`{name}` is {str(value)[:20]!r}, not an amount") from None
    if not number.is_finite() or number != (cents := number.quantize(CENT)):
        raise FinanceRefused(f"`{name}` is {value!r}, not an amount of whole cents")
    if abs(number) >= TOO_LARGE:
        raise FinanceRefused(f"`{name}` is {value!r}, too large")
    return cents


def utc_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


@dataclass
class StatementValues:
    statement_id: str
    statement_time: datetime  # 00:00 UTC of the statement day
    currency: str
    settlement_amount: Decimal = ZERO
    revenue_amount: Decimal = ZERO
    fee_tax_amount: Decimal = ZERO
    shipping_cost_amount: Decimal = ZERO
    adjustment_amount: Decimal = ZERO
    net_sales_amount: Decimal | None = None
    payment_status: str = ""
    tiktok_payment_id: str = ""
    payment_time: datetime | None = None
    raw: dict = field(default_factory=dict)

    @property
    def statement_date(self) -> date:
        return self.statement_time.astimezone(UTC).date()


@dataclass
class TransactionValues:
    """One settlement transaction; `components` are (section, key, amount) in
    finance.catalogue's sections, the transaction's own adjustment amount included."""

    transaction_id: str
    type: str
    currency: str
    order_tiktok_id: str = ""
    adjustment_id: str = ""
    reserve_id: str = ""
    reserve_status: str = ""
    estimated_release_time: datetime | None = None
    order_create_time: datetime | None = None
    settlement_amount: Decimal = ZERO
    revenue_amount: Decimal = ZERO
    shipping_cost_amount: Decimal = ZERO
    fee_tax_amount: Decimal = ZERO
    adjustment_amount: Decimal = ZERO
    reserve_amount: Decimal = ZERO
    components: list[tuple[str, str, Decimal]] = field(default_factory=list)
    breakdown: dict = field(default_factory=dict)

    @property
    def reference(self) -> str:
        """The id a file row and the API's row of the same transaction share."""
        return self.order_tiktok_id or self.adjustment_id or self.reserve_id
