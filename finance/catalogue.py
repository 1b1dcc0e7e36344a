"""What TikTok's finance data names, in words: the transaction types (Get Transactions by
Statement `type`, docs/tiktok.md "Finance") and the keys of a transaction's breakdowns, each
with a plain-English label and the accountant's group it adds into.

The tables `finance.TransactionType` and `finance.FeeComponent` hold these rows (migrations call
`catalogue_sync`, and so does every `migrate` or `flush` after them: finance/apps.py); a type or
key TikTok sends that is not listed here is added to the table at ingest as not known
(`known=False`), its amount kept and shown as "other", never dropped.

Groups add up to a transaction's settlement (docs/decisions.md "Finance: signs and sums"):
gross sales + discounts + refunds + fees + shipping + taxes + adjustments + not itemised =
settlement, every amount signed as TikTok gives it (costs negative). `reference` keys
(TikTok's `supplementary_component`) are kept for reading and never summed.
"""

from django.db import DEFAULT_DB_ALIAS, models


class Group(models.TextChoices):
    REVENUE = "revenue", "Gross sales"
    DISCOUNT = "discount", "Seller discounts"
    REFUND = "refund", "Refunds"
    FEE = "fee", "Fees"
    SHIPPING = "shipping", "Shipping"
    TAX = "tax", "Taxes"
    ADJUSTMENT = "adjustment", "Adjustments"
    OTHER = "other", "Not itemised by TikTok"
    REFERENCE = "reference", "For reference (not summed)"


# The groups a settlement is the sum of, in the order a summary lists them.
SUMMED_GROUPS = (
    Group.REVENUE,
    Group.DISCOUNT,
    Group.REFUND,
    Group.FEE,
    Group.SHIPPING,
    Group.TAX,
    Group.ADJUSTMENT,
    Group.OTHER,
)


class Section(models.TextChoices):
    """Where a key sits in TikTok's transaction object."""

    REVENUE = "revenue", "Revenue breakdown"
    SHIPPING = "shipping", "Shipping cost breakdown"
    SHIPPING_REFERENCE = "shipping_reference", "Shipping cost, for reference"
    FEE = "fee", "Fee breakdown"
    TAX = "tax", "Tax breakdown"
    REFERENCE = "reference", "Supplementary, for reference"
    ADJUSTMENT = "adjustment", "Adjustment"
    OTHER = "other", "Not itemised"


# The group an unknown key of a section adds into.
SECTION_GROUP = {
    Section.REVENUE: Group.REVENUE,
    Section.SHIPPING: Group.SHIPPING,
    Section.SHIPPING_REFERENCE: Group.REFERENCE,
    Section.FEE: Group.FEE,
    Section.TAX: Group.TAX,
    Section.REFERENCE: Group.REFERENCE,
    Section.ADJUSTMENT: Group.ADJUSTMENT,
    Section.OTHER: Group.OTHER,
}

# The transaction's own amount for a whole section: not a breakdown key.
ADJUSTMENT_KEY = "adjustment_amount"
UNITEMISED_KEY = "unitemised_amount"

R, D, RF, F, S, T, RE = (
    Group.REVENUE,
    Group.DISCOUNT,
    Group.REFUND,
    Group.FEE,
    Group.SHIPPING,
    Group.TAX,
    Group.REFERENCE,
)

# (section, key, label, group), in the order a breakdown lists them.
COMPONENTS: tuple[tuple[str, str, str, str], ...] = (
    # revenue_breakdown
    (Section.REVENUE, "subtotal_before_discount_amount", "Gross sales", R),
    (Section.REVENUE, "seller_discount_amount", "Seller discounts", D),
    (Section.REVENUE, "refund_subtotal_before_discount_amount", "Refunded sales", RF),
    (Section.REVENUE, "seller_discount_refund_amount", "Seller discounts on refunds", RF),
    (Section.REVENUE, "cod_service_fee_amount", "Cash-on-delivery service fee", F),
    (Section.REVENUE, "refund_cod_service_fee_amount", "Cash-on-delivery fee refunded", RF),
    # shipping_cost_breakdown
    (Section.SHIPPING, "actual_shipping_fee_amount", "Actual shipping fee", S),
    (Section.SHIPPING, "shipping_fee_discount_amount", "Shipping fee discount", S),
    (Section.SHIPPING, "customer_paid_shipping_fee_amount", "Shipping paid by the buyer", S),
    (Section.SHIPPING, "return_shipping_fee_amount", "Return shipping fee", S),
    (Section.SHIPPING, "replacement_shipping_fee_amount", "Replacement shipping fee", S),
    (Section.SHIPPING, "exchange_shipping_fee_amount", "Exchange shipping fee", S),
    (Section.SHIPPING, "signature_confirmation_fee_amount", "Signature confirmation fee", S),
    (Section.SHIPPING, "shipping_insurance_fee_amount", "Shipping insurance fee", S),
    (
        Section.SHIPPING,
        "fbt_fulfillment_fee_reimbursement_amount",
        "Fulfilled by TikTok fee reimbursed",
        S,
    ),
    (Section.SHIPPING, "return_shipping_label_fee_amount", "Return shipping label fee", S),
    (
        Section.SHIPPING,
        "seller_self_shipping_service_fee_amount",
        "Seller self-shipping service fee",
        S,
    ),
    (
        Section.SHIPPING,
        "return_shipping_fee_paid_buyer_amount",
        "Return shipping paid by the buyer",
        S,
    ),
    (Section.SHIPPING, "failed_delivery_subsidy_amount", "Failed delivery subsidy", S),
    (
        Section.SHIPPING,
        "shipping_fee_guarantee_reimbursement",
        "Shipping fee guarantee reimbursed",
        S,
    ),
    (Section.SHIPPING, "fbt_free_shipping_fee_amount", "Fulfilled by TikTok free shipping", S),
    (Section.SHIPPING, "free_return_subsidy_amount", "Free return subsidy", S),
    # shipping_cost_breakdown.supplementary_component: for reference only
    (
        Section.SHIPPING_REFERENCE,
        "platform_shipping_fee_discount_amount",
        "Platform shipping discount",
        RE,
    ),
    (Section.SHIPPING_REFERENCE, "promo_shipping_incentive_amount", "Shipping incentive", RE),
    (Section.SHIPPING_REFERENCE, "shipping_fee_subsidy_amount", "Shipping fee subsidy", RE),
    (
        Section.SHIPPING_REFERENCE,
        "seller_shipping_fee_discount_amount",
        "Seller shipping discount",
        RE,
    ),
    (
        Section.SHIPPING_REFERENCE,
        "customer_shipping_fee_offset_amount",
        "Buyer shipping fee offset",
        RE,
    ),
    (Section.SHIPPING_REFERENCE, "fbm_shipping_cost_amount", "Merchant-fulfilled shipping", RE),
    (Section.SHIPPING_REFERENCE, "fbt_shipping_cost_amount", "TikTok-fulfilled shipping", RE),
    (Section.SHIPPING_REFERENCE, "fbt_fulfillment_fee_amount", "TikTok fulfilment fee", RE),
    (
        Section.SHIPPING_REFERENCE,
        "fbt_fulfillment_fee_reimbursement_amount",
        "TikTok fulfilment fee reimbursed",
        RE,
    ),
    (Section.SHIPPING_REFERENCE, "return_refund_subsidy_amount", "Return refund subsidy", RE),
    (
        Section.SHIPPING_REFERENCE,
        "refunded_customer_shipping_fee_amount",
        "Buyer shipping refunded",
        RE,
    ),
    (Section.SHIPPING_REFERENCE, "customer_shipping_fee", "Buyer shipping fee", RE),
    (Section.SHIPPING_REFERENCE, "refund_customer_shipping_fee", "Buyer shipping fee refund", RE),
    # fee_tax_breakdown.fee
    (Section.FEE, "platform_commission_amount", "TikTok Shop commission", F),
    (Section.FEE, "referral_fee_amount", "Referral fee", F),
    (Section.FEE, "refund_administration_fee_amount", "Refund administration fee", F),
    (Section.FEE, "transaction_fee_amount", "Transaction fee", F),
    (Section.FEE, "credit_card_handling_fee_amount", "Card handling fee", F),
    (Section.FEE, "affiliate_commission_amount", "Affiliate commission", F),
    (
        Section.FEE,
        "affiliate_commission_amount_before_pit",
        "Affiliate commission before income tax",
        F,
    ),
    (
        Section.FEE,
        "affiliate_commission_before_pit_amount",
        "Affiliate commission before income tax",
        F,
    ),
    (Section.FEE, "pit_withheld_from_ads_commission_amount", "Income tax withheld from ads", F),
    (Section.FEE, "affiliate_partner_commission_amount", "Affiliate partner commission", F),
    (Section.FEE, "affiliate_ads_commission_amount", "Affiliate Shop Ads commission", F),
    (Section.FEE, "sfp_service_fee_amount", "SFP service fee", F),
    (Section.FEE, "live_specials_fee_amount", "LIVE Specials fee", F),
    (Section.FEE, "bonus_cashback_service_fee_amount", "Bonus cashback service fee", F),
    (Section.FEE, "mall_service_fee_amount", "Mall service fee", F),
    (Section.FEE, "voucher_xtra_service_fee_amount", "Voucher Xtra service fee", F),
    (Section.FEE, "flash_sales_service_fee_amount", "Flash sale service fee", F),
    (Section.FEE, "cofunded_promotion_service_fee_amount", "Co-funded promotion fee", F),
    (Section.FEE, "pre_order_service_fee_amount", "Pre-order service fee", F),
    (Section.FEE, "tsp_commission_amount", "TikTok Shop Partner commission", F),
    (Section.FEE, "dt_handling_fee_amount", "DT handling fee", F),
    (Section.FEE, "epr_pob_service_fee_amount", "EPR service fee", F),
    (Section.FEE, "fee_per_item_sold_amount", "Fee per item sold", F),
    (Section.FEE, "seller_paylater_handling_fee_amount", "PayLater handling fee", F),
    (Section.FEE, "cofunded_creator_bonus_amount", "Co-funded creator bonus", F),
    (Section.FEE, "dynamic_commission_amount", "Dynamic commission", F),
    (Section.FEE, "external_affiliate_marketing_fee_amount", "External affiliate marketing", F),
    (Section.FEE, "vn_fix_infrastructure_fee", "Infrastructure fee", F),
    (Section.FEE, "affiliate_commission_deposit", "Affiliate commission deposit", F),
    (Section.FEE, "affiliate_commission_release", "Affiliate commission released", F),
    (Section.FEE, "tap_shop_ads_commission", "Shop Ads commission", F),
    (Section.FEE, "shipping_fee_guarantee_service_fee", "Shipping guarantee service fee", F),
    (Section.FEE, "installation_service_fee", "Installation service fee", F),
    (Section.FEE, "campaign_resource_fee", "Campaign resource fee", F),
    (Section.FEE, "retail_delivery_fee_amount", "Retail delivery fee", F),
    (Section.FEE, "retail_delivery_fee_payment_amount", "Retail delivery fee paid", F),
    (Section.FEE, "retail_delivery_fee_refund_amount", "Retail delivery fee refunded", F),
    # fee_tax_breakdown.tax
    (Section.TAX, "vat_amount", "VAT", T),
    (Section.TAX, "import_vat_amount", "Import VAT", T),
    (Section.TAX, "customs_duty_amount", "Customs duty", T),
    (Section.TAX, "customs_clearance_amount", "Customs clearance", T),
    (Section.TAX, "sst_amount", "Sales and service tax", T),
    (Section.TAX, "gst_amount", "GST", T),
    (Section.TAX, "iva_amount", "IVA", T),
    (Section.TAX, "isr_amount", "ISR", T),
    (Section.TAX, "anti_dumping_duty_amount", "Anti-dumping duty", T),
    (Section.TAX, "local_vat_amount", "Local VAT", T),
    (Section.TAX, "pit_amount", "Personal income tax withheld", T),
    (Section.TAX, "sales_tax_amount", "Sales tax", T),
    (Section.TAX, "sales_tax_payment_amount", "Sales tax paid", T),
    (Section.TAX, "sales_tax_refund_amount", "Sales tax refunded", T),
    # supplementary_component (transaction level): for reference only
    (Section.REFERENCE, "customer_payment_amount", "Buyer paid", RE),
    (Section.REFERENCE, "customer_refund_amount", "Refunded to the buyer", RE),
    (Section.REFERENCE, "platform_discount_amount", "Platform discounts", RE),
    (Section.REFERENCE, "platform_discount_refund_amount", "Platform discounts refunded", RE),
    (Section.REFERENCE, "seller_cofunded_discount_amount", "Seller co-funded discount", RE),
    (
        Section.REFERENCE,
        "seller_cofunded_discount_refund_amount",
        "Seller co-funded discount refunded",
        RE,
    ),
    (Section.REFERENCE, "platform_cofunded_discount_amount", "Platform co-funded discount", RE),
    (
        Section.REFERENCE,
        "platform_cofunded_discount_refund_amount",
        "Platform co-funded discount refunded",
        RE,
    ),
    (Section.REFERENCE, "retail_delivery_fee_amount", "Retail delivery fee", RE),
    (Section.REFERENCE, "retail_delivery_fee_payment_amount", "Retail delivery fee paid", RE),
    (Section.REFERENCE, "retail_delivery_fee_refund_amount", "Retail delivery fee refunded", RE),
    (Section.REFERENCE, "sales_tax_amount", "Sales tax", RE),
    (Section.REFERENCE, "sales_tax_payment_amount", "Sales tax paid", RE),
    (Section.REFERENCE, "sales_tax_refund_amount", "Sales tax refunded", RE),
    # The transaction's own amounts
    (Section.ADJUSTMENT, ADJUSTMENT_KEY, "Adjustment", Group.ADJUSTMENT),
    (Section.OTHER, UNITEMISED_KEY, "Not itemised by TikTok", Group.OTHER),
)


class TypeGroup(models.TextChoices):
    ORDER = "order", "Order"
    RESERVE = "reserve", "Reserve"
    PLATFORM = "platform", "Platform adjustment"
    LOGISTICS = "logistics", "Logistics adjustment"
    OTHER = "other", "Other adjustment"


ORDER_TYPE = "ORDER"
RESERVE_TYPE = "RESERVE"

# (code, label, group): Get Transactions by Statement / Unsettled `type`.
TRANSACTION_TYPES: tuple[tuple[str, str, str], ...] = (
    (ORDER_TYPE, "Order", TypeGroup.ORDER),
    (RESERVE_TYPE, "Reserve", TypeGroup.RESERVE),
    ("CHARGE_BACK", "Chargeback", TypeGroup.PLATFORM),
    ("CUSTOMER_SERVICE_COMPENSATION", "Customer service compensation", TypeGroup.PLATFORM),
    ("DEDUCTIONS_INCURRED_BY_SELLER", "Deduction incurred by the seller", TypeGroup.PLATFORM),
    ("GMV_PAYMENT_FOR_ADS", "GMV payment for ads", TypeGroup.PLATFORM),
    ("REBATE", "Rebate", TypeGroup.PLATFORM),
    ("PLATFORM_COMMISSION_ADJUSTMENT", "Commission adjustment", TypeGroup.PLATFORM),
    ("PLATFORM_COMMISSION_COMPENSATION", "Commission compensation", TypeGroup.PLATFORM),
    ("PLATFORM_PENALTY", "Platform penalty", TypeGroup.PLATFORM),
    ("PLATFORM_COMPENSATION", "Platform compensation", TypeGroup.PLATFORM),
    ("PLATFORM_REIMBURSEMENT", "Platform reimbursement", TypeGroup.PLATFORM),
    ("PROMOTION_ADJUSTMENT", "Promotion adjustment", TypeGroup.PLATFORM),
    ("FBT_WAREHOUSE_SERVICE_FEE", "Fulfilled by TikTok warehouse fee", TypeGroup.LOGISTICS),
    ("WAREHOUSE_SERVICE_FEE", "Warehouse service fee", TypeGroup.LOGISTICS),
    ("LOGISTICS_REIMBURSEMENT", "Logistics reimbursement", TypeGroup.LOGISTICS),
    ("SHIPPING_FEE_ADJUSTMENT", "Shipping fee adjustment", TypeGroup.LOGISTICS),
    ("SHIPPING_FEE_COMPENSATION", "Shipping fee compensation", TypeGroup.LOGISTICS),
    ("SHIPPING_FEE_REBATE", "Shipping fee rebate", TypeGroup.LOGISTICS),
    ("SAMPLE_SHIPPING_FEE", "Sample shipping fee", TypeGroup.LOGISTICS),
    ("OTHER_ADJUSTMENT", "Other adjustment", TypeGroup.OTHER),
)


KNOWN_COMPONENTS = {
    (section, key): (label, group, position)
    for position, (section, key, label, group) in enumerate(COMPONENTS)
}
KNOWN_TYPES = {
    code: (label, group, position)
    for position, (code, label, group) in enumerate(TRANSACTION_TYPES)
}


def unknown_component_label(key: str) -> str:
    """The words for a key TikTok sent that the catalogue does not list: "Other: foo bar"."""
    words = key.removesuffix("_amount").replace("_", " ").strip()
    return f"Other: {words}" if words else "Other"


def unknown_type_label(code: str) -> str:
    words = code.replace("_", " ").strip().capitalize()
    return f"Other adjustment ({words})" if words else "Other adjustment"


def catalogue_sync(apps, schema_editor=None, using: str | None = None) -> None:
    """Write the catalogue into its tables (a migration step; safe to run again): new rows are
    added, known rows take the catalogue's words, rows added at ingest are left alone."""
    using = using or (schema_editor.connection.alias if schema_editor else DEFAULT_DB_ALIAS)
    components = apps.get_model("finance", "FeeComponent").objects.using(using)
    types = apps.get_model("finance", "TransactionType").objects.using(using)
    for position, (section, key, label, group) in enumerate(COMPONENTS):
        components.update_or_create(
            section=section,
            key=key,
            defaults={"label": label, "group": group, "known": True, "position": position},
        )
    for position, (code, label, group) in enumerate(TRANSACTION_TYPES):
        types.update_or_create(
            code=code,
            defaults={"label": label, "group": group, "known": True, "position": position},
        )
