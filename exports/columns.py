"""Every column an export can hold, declared once (docs/exports.md).

A column names its value (a model field or an expression), its kind (which decides how it
is written: text, identifier, money, count, time, label) and, for buyer data, the masking
it gets. Templates are ordered lists of column keys with their headers: TikTok's "order SKU
list", our "orders" report, and the custom reports users assemble from `CATALOGUE`.

The same declaration drives both writers and both ways of reading rows (the ORM in chunks,
and PostgreSQL `COPY` for CSV), so a column cannot mean one thing in CSV and another in
Excel.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Expression,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)

from finance.models import SettlementTransaction
from orders.statuses import (
    TIKTOK_COUNTRY,
    TIKTOK_FULFILMENT,
    TIKTOK_ORDER_TYPE,
    TIKTOK_STATUS,
    CancelInitiator,
    OrderStatus,
    TrackingStatus,
)


class Kind(enum.Enum):
    TEXT = "text"  # free text, neutralised against formulas; masked when it names a buyer
    ID = "id"  # a long number kept as text (18-digit TikTok ids)
    MONEY = "money"
    INT = "int"
    TIME = "time"
    LABEL = "label"  # one of our own fixed words (statuses, yes/no)


class Level(enum.Enum):
    ORDER = "order"
    LINE = "line"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str
    kind: Kind
    # The value: a field path from Order (line columns: from OrderLine), or a function of
    # the path prefix that leads to Order ("" or "order__") returning an expression.
    source: str | Callable[[str], Expression]
    level: Level = Level.ORDER
    mask: str | None = None  # the buyer field whose masking applies (accounts.masking)
    labels: dict[str, str] = field(default_factory=dict)  # LABEL: stored value → word
    finance: bool = False  # what TikTok settled: needs "View finance" in every shop

    def expression(self, level: Level) -> Expression:
        """The value as an expression over the rows of a `level` export."""
        prefix = "order__" if level == Level.LINE and self.level == Level.ORDER else ""
        if callable(self.source):
            return self.source(prefix)
        return F(prefix + self.source)


YES_NO = {"1": "Yes", "0": "No"}
ZERO = Decimal("0.00")


def _return_type(prefix: str) -> Case:
    return Case(
        When(**{f"{prefix}status": OrderStatus.CANCELLED}, then=Value("Cancel")),
        When(**{f"{prefix}is_buyer_request_cancel": True}, then=Value("Cancel")),
        When(**{f"{prefix}refunded_amount__gt": 0}, then=Value("Return/Refund")),
        default=Value(""),
        output_field=CharField(),
    )


def _yes_no(name: str) -> Callable[[str], Case]:
    def expression(prefix: str) -> Case:
        return Case(
            When(**{f"{prefix}{name}": True}, then=Value("1")),
            default=Value("0"),
            output_field=CharField(),
        )

    return expression


def _zero(prefix: str) -> Value:
    return Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))


def _blank(prefix: str) -> Value:
    return Value("", output_field=CharField())


def _settled(prefix: str):
    """The order's settlement transactions (those matched to it, finance.reconcile)."""
    return (
        SettlementTransaction.objects.filter(order_id=OuterRef(f"{prefix}pk"))
        .order_by()
        .values("order_id")
    )


def _settled_sum(name: str) -> Callable[[str], Expression]:
    def expression(prefix: str) -> Subquery:
        total = _settled(prefix).annotate(total=Sum(name)).values("total")
        return Subquery(total, output_field=DecimalField(max_digits=16, decimal_places=2))

    return expression


class _DistinctWords(StringAgg):
    """STRING_AGG(DISTINCT …, ' ' ORDER BY …). SQLite's GROUP_CONCAT takes no separator with
    DISTINCT and (before 3.44) no ORDER BY, so there the ids are joined by commas, turned to
    spaces, in the order SQLite reads them (ids hold no commas or spaces)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"REPLACE(GROUP_CONCAT(DISTINCT {sql}), ',', ' ')", params


def _settled_ids(name: str) -> Callable[[str], Expression]:
    """The distinct ids of the order's statements or payouts, oldest first, space-separated."""

    def expression(prefix: str) -> Subquery:
        ids = _settled(prefix).annotate(
            ids=_DistinctWords(name, delimiter=" ", distinct=True, order_by=name)
        )
        return Subquery(ids.values("ids"), output_field=CharField())

    return expression


def _finance(key: str, label: str, kind: Kind, source) -> Column:
    return Column(key, label, "Finance", kind, source, finance=True)


def _columns(*columns: Column) -> dict[str, Column]:
    return {c.key: c for c in columns}


L = Level.LINE
CATALOGUE: dict[str, Column] = _columns(
    # Order
    Column("order_id", "Order ID", "Order", Kind.ID, "order_id"),
    Column("shop", "Shop", "Order", Kind.TEXT, "shop__name"),
    Column("time_zone", "Time zone", "Order", Kind.TEXT, "shop__timezone"),
    Column("status", "Status", "Order", Kind.LABEL, "status", labels=dict(OrderStatus.choices)),
    Column(
        "tiktok_status",
        "Order Status",
        "Order",
        Kind.LABEL,
        "status",
        labels={k: v[0] for k, v in TIKTOK_STATUS.items()},
    ),
    Column(
        "tiktok_substatus",
        "Order Substatus",
        "Order",
        Kind.LABEL,
        "status",
        labels={k: v[1] for k, v in TIKTOK_STATUS.items()},
    ),
    Column("return_type", "Cancelation/Return Type", "Order", Kind.LABEL, _return_type),
    Column(
        "order_type",
        "Normal or Pre-order",
        "Order",
        Kind.LABEL,
        "order_type",
        labels=TIKTOK_ORDER_TYPE,
    ),
    Column("created", "Created", "Order", Kind.TIME, "create_time"),
    Column("paid", "Paid", "Order", Kind.TIME, "paid_time"),
    Column("rts", "Ready to ship", "Order", Kind.TIME, "rts_time"),
    Column("shipped", "Shipped", "Order", Kind.TIME, "collection_time"),
    Column("delivered", "Delivered", "Order", Kind.TIME, "delivery_time"),
    Column("cancelled", "Cancelled", "Order", Kind.TIME, "cancel_time"),
    Column("updated", "Updated", "Order", Kind.TIME, "update_time"),
    Column("ship_by", "Ship by", "Order", Kind.TIME, "shipping_due_time"),
    Column(
        "cancel_by",
        "Cancel by",
        "Order",
        Kind.LABEL,
        "cancellation_initiator",
        labels=dict(CancelInitiator.choices),
    ),
    Column("cancel_reason", "Cancel reason", "Order", Kind.TEXT, "cancel_reason"),
    Column(
        "fulfillment_type",
        "Fulfillment type",
        "Order",
        Kind.LABEL,
        "fulfillment_type",
        labels=TIKTOK_FULFILMENT,
    ),
    Column("warehouse", "Warehouse", "Order", Kind.TEXT, "warehouse_name"),
    Column("delivery_option", "Delivery option", "Order", Kind.TEXT, "delivery_option_name"),
    Column("payment_method", "Payment method", "Order", Kind.TEXT, "payment_method_name"),
    Column("is_cod", "Cash on delivery", "Order", Kind.LABEL, _yes_no("is_cod"), labels=YES_NO),
    Column("seller_note", "Seller note", "Order", Kind.TEXT, "seller_note"),
    # Buyer
    Column("buyer_message", "Buyer message", "Buyer", Kind.TEXT, "buyer_message"),
    Column(
        "buyer_username",
        "Buyer username",
        "Buyer",
        Kind.TEXT,
        "buyer_username",
        mask="buyer_username",
    ),
    Column("buyer_email", "Buyer email", "Buyer", Kind.TEXT, "buyer_email", mask="buyer_email"),
    # Address
    Column(
        "recipient_name", "Recipient", "Address", Kind.TEXT, "recipient_name", mask="recipient_name"
    ),
    Column(
        "recipient_phone", "Phone", "Address", Kind.TEXT, "recipient_phone", mask="recipient_phone"
    ),
    Column("country", "Country", "Address", Kind.TEXT, "region_code"),
    Column(
        "tiktok_country",
        "Country name",
        "Address",
        Kind.LABEL,
        "region_code",
        labels=TIKTOK_COUNTRY,
    ),
    Column("state", "State", "Address", Kind.TEXT, "state"),
    Column("city", "City", "Address", Kind.TEXT, "city"),
    Column("district", "District", "Address", Kind.TEXT, "district"),
    Column("postal_code", "Zipcode", "Address", Kind.TEXT, "postal_code", mask="postal_code"),
    Column(
        "address_line1",
        "Address line 1",
        "Address",
        Kind.TEXT,
        "address_line1",
        mask="address_line1",
    ),
    Column(
        "address_line2",
        "Address line 2",
        "Address",
        Kind.TEXT,
        "address_line2",
        mask="address_line2",
    ),
    # Money (order level)
    Column("currency", "Currency", "Money", Kind.TEXT, "currency"),
    Column(
        "subtotal_before_discount",
        "Products before discount",
        "Money",
        Kind.MONEY,
        "original_total_product_price",
    ),
    Column("seller_discount", "Seller discount", "Money", Kind.MONEY, "seller_discount"),
    Column("platform_discount", "Platform discount", "Money", Kind.MONEY, "platform_discount"),
    Column("subtotal", "Products after discount", "Money", Kind.MONEY, "sub_total"),
    Column(
        "original_shipping_fee",
        "Original shipping fee",
        "Money",
        Kind.MONEY,
        "original_shipping_fee",
    ),
    Column(
        "shipping_fee_seller_discount",
        "Shipping fee seller discount",
        "Money",
        Kind.MONEY,
        "shipping_fee_seller_discount",
    ),
    Column(
        "shipping_fee_platform_discount",
        "Shipping fee platform discount",
        "Money",
        Kind.MONEY,
        "shipping_fee_platform_discount",
    ),
    Column("shipping_fee", "Shipping fee after discount", "Money", Kind.MONEY, "shipping_fee"),
    Column("payment_platform_discount", "Payment platform discount", "Money", Kind.MONEY, _zero),
    Column(
        "retail_delivery_fee", "Retail delivery fee", "Money", Kind.MONEY, "retail_delivery_fee"
    ),
    Column("tax", "Taxes", "Money", Kind.MONEY, "tax"),
    Column("total", "Order amount", "Money", Kind.MONEY, "total_amount"),
    Column("refunded", "Refunded", "Money", Kind.MONEY, "refunded_amount"),
    # Finance: what TikTok settled for the order, from its matched settlement transactions
    _finance("settlement", "TikTok settlement", Kind.MONEY, _settled_sum("settlement_amount")),
    _finance(
        "settled_sales", "Settled gross sales", Kind.MONEY, _settled_sum("gross_sales_amount")
    ),
    _finance("settled_refunds", "Settled refunds", Kind.MONEY, _settled_sum("refund_amount")),
    _finance("fees", "TikTok fees", Kind.MONEY, _settled_sum("fee_amount")),
    _finance("settled_shipping", "TikTok shipping", Kind.MONEY, _settled_sum("shipping_amount")),
    _finance(
        "settled_adjustments", "TikTok adjustments", Kind.MONEY, _settled_sum("adjustment_amount")
    ),
    _finance("statement_id", "Statement ID", Kind.ID, _settled_ids("statement__statement_id")),
    _finance("payout_id", "Payout ID", Kind.ID, _settled_ids("statement__tiktok_payment_id")),
    # Line (one row per order line when any of these is chosen)
    Column("sku_id", "SKU ID", "Line", Kind.ID, "sku_id", L),
    Column("seller_sku", "Seller SKU", "Line", Kind.TEXT, "seller_sku", L),
    Column("product_id", "Product ID", "Line", Kind.ID, "product_id", L),
    Column("product_name", "Product name", "Line", Kind.TEXT, "product_name", L),
    Column("variation", "Variation", "Line", Kind.TEXT, "variation", L),
    Column("product_category", "Product category", "Line", Kind.TEXT, "product_category", L),
    Column("quantity", "Quantity", "Line", Kind.INT, "quantity", L),
    Column("returned_quantity", "Quantity returned", "Line", Kind.INT, "returned_quantity", L),
    Column("unit_price", "Unit original price", "Line", Kind.MONEY, "unit_original_price", L),
    Column(
        "line_subtotal_before",
        "Line before discount",
        "Line",
        Kind.MONEY,
        "subtotal_before_discount",
        L,
    ),
    Column(
        "line_platform_discount",
        "Line platform discount",
        "Line",
        Kind.MONEY,
        "platform_discount",
        L,
    ),
    Column(
        "line_seller_discount", "Line seller discount", "Line", Kind.MONEY, "seller_discount", L
    ),
    Column(
        "line_subtotal", "Line after discount", "Line", Kind.MONEY, "subtotal_after_discount", L
    ),
    # Package and tracking (per line: the line's package)
    Column("package_id", "Package ID", "Package", Kind.ID, "package__package_id", L),
    Column("carrier", "Carrier", "Package", Kind.TEXT, "package__shipping_provider_name", L),
    Column("tracking_number", "Tracking ID", "Package", Kind.ID, "package__tracking_number", L),
    Column(
        "tracking_status",
        "Tracking status",
        "Tracking",
        Kind.LABEL,
        "package__tracking_status",
        L,
        labels=dict(TrackingStatus.choices),
    ),
    Column(
        "last_checkpoint",
        "Last checkpoint",
        "Tracking",
        Kind.TEXT,
        "package__last_checkpoint_message",
        L,
    ),
)
GROUPS = ("Order", "Buyer", "Address", "Money", "Finance", "Line", "Package", "Tracking")
BLANK = Column("blank", "", "", Kind.TEXT, _blank)


@dataclass(frozen=True)
class TemplateColumn:
    column: Column
    header: str


@dataclass(frozen=True)
class Template:
    code: str
    columns: tuple[TemplateColumn, ...]
    tiktok_format: bool = False  # TikTok's US value formats (times without zone)

    @property
    def level(self) -> Level:
        if any(tc.column.level == Level.LINE for tc in self.columns):
            return Level.LINE
        return Level.ORDER

    @property
    def finance(self) -> bool:
        return any(tc.column.finance for tc in self.columns)

    @property
    def headers(self) -> list[str]:
        return [tc.header for tc in self.columns]


def _template(code: str, pairs, **kwargs) -> Template:
    return Template(
        code,
        tuple(TemplateColumn(CATALOGUE[k] if k else BLANK, header) for header, k in pairs),
        **kwargs,
    )


# TikTok US "Order SKU list", in TikTok's order (docs/tiktok.md). Columns we do not
# hold (house number, delivery instruction, weight, shipping information, delivery option
# type) are present and empty, so files line up with TikTok's own.
TIKTOK_SKU_LIST = _template(
    "tiktok_sku_list",
    [
        ("Order ID", "order_id"),
        ("Order Status", "tiktok_status"),
        ("Order Substatus", "tiktok_substatus"),
        ("Cancelation/Return Type", "return_type"),
        ("Normal or Pre-order", "order_type"),
        ("SKU ID", "sku_id"),
        ("Seller SKU", "seller_sku"),
        ("Product Name", "product_name"),
        ("Variation", "variation"),
        ("Quantity", "quantity"),
        ("Sku Quantity of return", "returned_quantity"),
        ("SKU Unit Original Price", "unit_price"),
        ("SKU Subtotal Before Discount", "line_subtotal_before"),
        ("SKU Platform Discount", "line_platform_discount"),
        ("SKU Seller Discount", "line_seller_discount"),
        ("SKU Subtotal After Discount", "line_subtotal"),
        ("Shipping Fee After Discount", "shipping_fee"),
        ("Original Shipping Fee", "original_shipping_fee"),
        ("Shipping Fee Seller Discount", "shipping_fee_seller_discount"),
        ("Shipping Fee Platform Discount", "shipping_fee_platform_discount"),
        ("Payment platform discount", "payment_platform_discount"),
        ("Retail Delivery Fee", "retail_delivery_fee"),
        ("Taxes", "tax"),
        ("Order Amount", "total"),
        ("Order Refund Amount", "refunded"),
        ("Created Time", "created"),
        ("Paid Time", "paid"),
        ("RTS Time", "rts"),
        ("Shipped Time", "shipped"),
        ("Delivered Time", "delivered"),
        ("Cancelled Time", "cancelled"),
        ("Cancel By", "cancel_by"),
        ("Cancel Reason", "cancel_reason"),
        ("Fulfillment Type", "fulfillment_type"),
        ("Warehouse Name", "warehouse"),
        ("Tracking ID", "tracking_number"),
        ("Delivery Option Type", None),
        ("Delivery Option", "delivery_option"),
        ("Shipping Provider Name", "carrier"),
        ("Buyer Message", "buyer_message"),
        ("Buyer Username", "buyer_username"),
        ("Recipient", "recipient_name"),
        ("Phone #", "recipient_phone"),
        ("Country", "tiktok_country"),
        ("State", "state"),
        ("City", "city"),
        ("Zipcode", "postal_code"),
        ("Detail Address", "address_line1"),
        ("Additional address information", "address_line2"),
        ("House Name or Number", None),
        ("Delivery Instruction", None),
        ("Payment Method", "payment_method"),
        ("Weight(kg)", None),
        ("Product Category", "product_category"),
        ("Package ID", "package_id"),
        ("Seller Note", "seller_note"),
        ("Shipping Information", None),
    ],
    tiktok_format=True,
)

# The orders report says what each time is ("Created time (Asia/Kuala_Lumpur)").
ORDERS_HEADERS = {
    "created": "Created time",
    "paid": "Paid time",
    "shipped": "Shipped time",
    "delivered": "Delivered time",
    "cancelled": "Cancelled time",
}
ORDERS = _template(
    "orders",
    [
        (ORDERS_HEADERS.get(k, CATALOGUE[k].label), k)
        for k in (
            "order_id",
            "shop",
            "status",
            "created",
            "paid",
            "shipped",
            "delivered",
            "cancelled",
            "time_zone",
            "buyer_username",
            "recipient_name",
            "country",
            "state",
            "city",
            "payment_method",
            "fulfillment_type",
            "currency",
            "subtotal_before_discount",
            "seller_discount",
            "platform_discount",
            "subtotal",
            "shipping_fee",
            "tax",
            "retail_delivery_fee",
            "total",
            "refunded",
        )
    ],
)

TEMPLATES = {t.code: t for t in (TIKTOK_SKU_LIST, ORDERS)}
MAX_CUSTOM_COLUMNS = 80
MAX_HEADER_LENGTH = 60


class BadColumns(ValueError):
    pass


def custom_template(columns: list[dict]) -> Template:
    """A custom report's template from its saved [{"key", "label"}] list, validated."""
    if not columns:
        raise BadColumns("Pick at least one column.")
    if len(columns) > MAX_CUSTOM_COLUMNS:
        raise BadColumns(f"A report has at most {MAX_CUSTOM_COLUMNS} columns.")
    picked = []
    for entry in columns:
        key = entry.get("key") if isinstance(entry, dict) else None
        if key not in CATALOGUE:
            raise BadColumns(f"Unknown column: {str(key)[:40]!r}.")
        header = str(entry.get("label") or CATALOGUE[key].label).strip()[:MAX_HEADER_LENGTH]
        picked.append(TemplateColumn(CATALOGUE[key], header or CATALOGUE[key].label))
    return Template("custom", tuple(picked))
