"""The Seller Center finance files we read (docs/finance-files.md), as one table of headers.

Every layout is [unconfirmed] (docs/finance-files.md: third-party parsers, and TikTok's headers
drift), so each is written here once and nowhere else: a sheet, how far down its header may
sit, and our name for each column → the headers TikTok has used for it, normalised by
`header_key` (case, spacing, either slash). A header ending in "*" is a prefix. To take a new
drift, add the header to its column's tuple (and a line in docs/decisions.md).

A column's `component` is the (section, key) of finance.catalogue it adds into; keys the
catalogue does not list are kept as "Other: …" by finance.services.catalogue, as from the API.
"""

import re
from dataclasses import dataclass, field

from finance.catalogue import Section

REVENUE, SHIPPING, FEE, TAX = Section.REVENUE, Section.SHIPPING, Section.FEE, Section.TAX
SHIPPING_REFERENCE = Section.SHIPPING_REFERENCE


def header_key(text) -> str:
    """A header as compared: lower case, one space, "\\" read as "/", no space around "/"."""
    words = str(text or "").replace("\ufeff", "").replace("\\", "/").lower()
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", words)).strip()


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]
    component: tuple[str, str] | None = None  # (section, catalogue key)
    cost: bool = False  # a cost: negative in TikTok's files and in the store


@dataclass(frozen=True)
class Sheet:
    name: str  # the worksheet's name (normalised), "" for a CSV or a single-sheet workbook
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    header_within: int = 10  # the header is the first of these rows that names `required`
    optional: bool = False  # a workbook may lack it

    def by_header(self) -> dict[str, str]:
        return {header_key(h): column.key for column in self.columns for h in column.headers}

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


@dataclass(frozen=True)
class Layout:
    code: str
    label: str
    markets: frozenset[str]  # the shop markets whose files these are; empty: any
    market_words: str
    sheets: tuple[Sheet, ...]
    # Headers only this layout has, that tell it from the others (normalised).
    marks: tuple[str, ...] = field(default=())
    currency: str = ""  # when the file names none


C = Column
# The affiliate columns, alike in every layout that has them.
AFFILIATE = (
    C("affiliate", ("affiliate commission",), (FEE, "affiliate_commission_amount"), True),
    C(
        "affiliate_partner",
        ("affiliate partner commission",),
        (FEE, "affiliate_partner_commission_amount"),
        True,
    ),
    C(
        "affiliate_ads",
        ("affiliate shop ads commission",),
        (FEE, "affiliate_ads_commission_amount"),
        True,
    ),
)
SEA_MARKETS = frozenset({"ID", "MY", "PH", "SG", "TH", "VN"})

SEA_INCOME = Layout(
    code="sea_income",
    label="“Income” report (Southeast Asia)",
    markets=SEA_MARKETS,
    market_words="a Southeast Asian shop (Indonesia, Malaysia, the Philippines, Singapore, "
    "Thailand or Vietnam)",
    marks=("total settlement amount",),
    sheets=(
        Sheet(
            name="order details",
            required=("reference", "type", "settled", "currency", "settlement"),
            columns=(
                C("reference", ("order/adjustment id",)),
                C("type", ("type", "transaction type")),
                C("created", ("order created time",)),
                C("settled", ("order settled time",)),
                C("currency", ("currency",)),
                C("settlement", ("total settlement amount",)),
                C("revenue", ("total revenue",)),
                C("after_discounts", ("subtotal after seller discounts",)),
                C(
                    "gross",
                    ("subtotal before discounts",),
                    (REVENUE, "subtotal_before_discount_amount"),
                ),
                C("discount", ("seller discounts",), (REVENUE, "seller_discount_amount"), True),
                C("refund_after", ("refund subtotal after seller discounts",)),
                C(
                    "refund",
                    ("refund subtotal before seller discounts",),
                    (REVENUE, "refund_subtotal_before_discount_amount"),
                ),
                C(
                    "refund_discount",
                    ("refund of seller discounts",),
                    (REVENUE, "seller_discount_refund_amount"),
                ),
                C("fees", ("total fees",)),
                C("transaction_fee", ("transaction fee",), (FEE, "transaction_fee_amount"), True),
                C(
                    "commission",
                    ("tiktok shop commission fee",),
                    (FEE, "platform_commission_amount"),
                    True,
                ),
                C("shipping", ("seller shipping fee",)),
                C(
                    "actual_shipping",
                    ("actual shipping fee",),
                    (SHIPPING, "actual_shipping_fee_amount"),
                    True,
                ),
                C(
                    "platform_shipping_discount",
                    ("platform shipping fee discount",),
                    (SHIPPING, "shipping_fee_discount_amount"),
                ),
                C(
                    "customer_shipping",
                    ("customer shipping fee",),
                    (SHIPPING, "customer_paid_shipping_fee_amount"),
                ),
                *AFFILIATE,
                C("sfp", ("sfp service fee",), (FEE, "sfp_service_fee_amount"), True),
                C("related_order", ("related order id",)),
            ),
        ),
    ),
)

US_PROFIT_LOSS = Layout(
    code="us_profit_loss",
    label="profit and loss workbook (“merchant_statement_profit_loss”, US)",
    markets=frozenset({"US"}),
    market_words="a US shop",
    currency="USD",
    marks=("net order margin", "adjustment id"),
    sheets=(
        Sheet(
            name="orders",
            required=("order_id", "settled", "statement_id", "net"),
            columns=(
                C("order_id", ("order id",)),
                C("sku_id", ("sku id",)),
                C("sku_name", ("sku name",)),
                C("product_name", ("product name",)),
                C("income", ("order income",)),
                C("cost", ("order cost",)),
                C("net", ("net order margin",)),
                C("quantity", ("sold quantity",)),
                C("paid", ("order paid date",)),
                C("settled", ("order settled date",)),
                C("statement_id", ("linked statement id",)),
                C("payout_id", ("linked payout id", "llinked payout id")),
                C("status", ("order status",)),
                C("sample", ("sample order type",)),
                C("gross", ("gross sales",), (REVENUE, "subtotal_before_discount_amount")),
                C("discount", ("seller discount",), (REVENUE, "seller_discount_amount"), True),
                C(
                    "refund",
                    ("gross sales refund",),
                    (REVENUE, "refund_subtotal_before_discount_amount"),
                ),
                C(
                    "refund_discount",
                    ("seller discount refund",),
                    (REVENUE, "seller_discount_refund_amount"),
                ),
                *AFFILIATE,
                C("referral", ("referral fee",), (FEE, "referral_fee_amount"), True),
                C(
                    "refund_admin",
                    ("refund administration fee",),
                    (FEE, "refund_administration_fee_amount"),
                    True,
                ),
                C("transaction_fee", ("transaction fee",), (FEE, "transaction_fee_amount"), True),
                C(
                    "referral_tax",
                    ("sales tax on referral fees",),
                    (TAX, "sales_tax_on_referral_fee_amount"),
                    True,
                ),
                C(
                    "smart_promotion",
                    ("smart promotion fee",),
                    (FEE, "smart_promotion_fee_amount"),
                    True,
                ),
                C("campaign", ("campaign resource fee",), (FEE, "campaign_resource_fee"), True),
                C(
                    "partner",
                    ("tiktok shop partner commission",),
                    (FEE, "tsp_commission_amount"),
                    True,
                ),
                C(
                    "managed_service",
                    ("managed service plan*",),
                    (FEE, "managed_service_plan_fee_amount"),
                    True,
                ),
                C(
                    "tiktok_shipping",
                    ("tiktok shop shipping fee",),
                    (SHIPPING, "actual_shipping_fee_amount"),
                    True,
                ),
                C(
                    "fbt_shipping",
                    ("fulfilled by tiktok shop shipping fee",),
                    (SHIPPING, "fbt_shipping_fee_amount"),
                    True,
                ),
                C(
                    "return_shipping",
                    ("return shipping fee",),
                    (SHIPPING, "return_shipping_fee_amount"),
                    True,
                ),
                C(
                    "return_label",
                    ("return shipping label fee",),
                    (SHIPPING, "return_shipping_label_fee_amount"),
                    True,
                ),
                C(
                    "shipping_subsidy",
                    ("shipping fee subsidy",),
                    (SHIPPING, "shipping_fee_subsidy_amount"),
                ),
                C(
                    "shipping_discount",
                    ("shipping fee discount",),
                    (SHIPPING, "shipping_fee_discount_amount"),
                ),
            ),
        ),
        Sheet(
            name="adjustment",
            optional=True,
            required=("adjustment_id", "amount", "settled", "statement_id"),
            columns=(
                C("adjustment_id", ("adjustment id",)),
                C("adjustment_type", ("adjustment type",)),
                C("reason", ("adjustment reason",)),
                C("amount", ("adjustment amount",)),
                C("created", ("adjustment create time",)),
                C("settled", ("adjustment settlement time",)),
                C("statement_id", ("linked statement id",)),
                C("payout_id", ("linked payout id", "llinked payout id")),
                C("related_order", ("related order id", "order id")),
            ),
        ),
    ),
)

US_UNSETTLED = Layout(
    code="us_unsettled",
    label="unsettled orders export (US)",
    markets=frozenset({"US"}),
    market_words="a US shop",
    currency="USD",
    marks=("total estimated settlement amount",),
    sheets=(
        Sheet(
            name="",
            required=("reference", "estimated"),
            columns=(
                C("type", ("type", "transaction type")),
                C("reference", ("order/adjustment id",)),
                C("related_order", ("related order id",)),
                C("created", ("creation date",)),
                C("estimated", ("total estimated settlement amount",)),
                C("estimated_time", ("estimated settle time",)),
                C("reason", ("unsettled reasons", "unsettled reason")),
                C("sku_id", ("sku id",)),
                C("quantity", ("quantity",)),
                C("product_name", ("product name",)),
                C("sku_name", ("sku name",)),
                C("net_sales", ("net sales",)),
                C("gross_sales", ("gross sales",)),
                C("fees", ("fees",)),
                C("referral", ("referral fee",)),
                C("referral_tax", ("sales tax on referral fees",)),
                C("tiktok_shipping", ("tiktok shop shipping fee",)),
                C("customer_shipping", ("customer-paid shipping fee",)),
                C("customer_payment", ("customer payment",)),
                C("sales_tax", ("sales tax payment",)),
                C("platform_discounts", ("platform discounts",)),
                C("adjustment", ("adjustment amount",)),
            ),
        ),
    ),
)

LAYOUTS = (SEA_INCOME, US_PROFIT_LOSS, US_UNSETTLED)
# Headers of files that are not finance files, and what to say of them.
OTHER_FILES = {
    ("order status", "sku id"): "This is a TikTok order file (“Order SKU list”): import it on "
    "the order import page.",
}
