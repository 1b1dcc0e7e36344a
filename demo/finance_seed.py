"""Finance data for the demo's orders as TikTok would settle them, written in a few
INSERT … SELECT statements (so that a million orders take minutes, not hours): every order
delivered more than SETTLE_DAYS ago settles into the statement of that UTC day, with its sales
less the seller's discount (refunds taken back), a referral fee, a transaction fee and the
shipping; a few per thousand differ (a discount settled differently, an unexpected fee, an
adjustment, a refund left out) and a few settle for orders the portal does not have. One
payment per statement. The orders themselves are not changed.
"""

from django.db import connection, transaction

from finance.catalogue import Section
from finance.models import FinanceSync, Payment, Statement
from finance.services.catalogue import components_for, types_ensure
from finance.services.totals import totals_rebuild_all

SETTLE_DAYS = 8  # as written in SETTLED
COMPONENTS = {
    "gross": (Section.REVENUE, "subtotal_before_discount_amount"),
    "seller": (Section.REVENUE, "seller_discount_amount"),
    "refund": (Section.REVENUE, "refund_subtotal_before_discount_amount"),
    "seller_refund": (Section.REVENUE, "seller_discount_refund_amount"),
    "referral": (Section.FEE, "referral_fee_amount"),
    "refund_admin": (Section.FEE, "refund_administration_fee_amount"),
    "transaction_fee": (Section.FEE, "transaction_fee_amount"),
    "campaign": (Section.FEE, "campaign_resource_fee"),
    "paid_shipping": (Section.SHIPPING, "customer_paid_shipping_fee_amount"),
    "label": (Section.SHIPPING, "actual_shipping_fee_amount"),
    "adjustment": (Section.ADJUSTMENT, "adjustment_amount"),
}

# One row per settled order: what TikTok settles for it. `h` (the order's id mod 1000) picks
# the few that differ: 0–4 a discount settled 1.50 lower, 5–7 a campaign fee of 35%, 10–219 a
# refund left out (of the refunded orders), 300–309 an adjustment, 400–401 a stranger's order,
# 500–502 never settled.
SETTLED = """
    CREATE TEMPORARY TABLE finance_seed ON COMMIT DROP AS
    SELECT o.id AS order_pk, o.shop_id, o.order_id, o.currency, o.create_time,
        (date_trunc('day', (o.delivery_time + interval '8 days') AT TIME ZONE 'UTC')
            AT TIME ZONE 'UTC') AS day,
        o.id % 1000 AS h,
        o.original_total_product_price AS gross,
        -o.seller_discount - CASE WHEN o.id % 1000 < 5 THEN 1.50 ELSE 0 END AS seller,
        (o.refunded_amount > 0 AND NOT o.id % 1000 BETWEEN 10 AND 219) AS refunded,
        round((o.original_total_product_price - o.seller_discount) * 0.08, 2) AS referral,
        round((o.original_total_product_price - o.seller_discount) * 0.029, 2) AS txn_fee,
        CASE WHEN o.id % 1000 BETWEEN 5 AND 7
             THEN round((o.original_total_product_price - o.seller_discount) * 0.35, 2)
             ELSE 0 END AS campaign,
        o.shipping_fee AS paid_shipping,
        CASE WHEN o.shipping_type = 'TIKTOK' THEN 3.20 + (o.id % 460) / 100.0 ELSE 0 END
            AS label
    FROM orders_order o
    WHERE o.status IN ('DELIVERED', 'COMPLETED') AND o.delivery_time IS NOT NULL
      AND o.delivery_time + interval '8 days' < now()
      AND o.delivery_time >= now() - interval '400 days'
      AND NOT o.id % 1000 BETWEEN 500 AND 502
"""

AMOUNTS = """
    CREATE TEMPORARY TABLE finance_seed_amounts ON COMMIT DROP AS
    SELECT s.*,
        CASE WHEN s.refunded THEN -s.gross ELSE 0 END AS refund,
        CASE WHEN s.refunded THEN -s.seller ELSE 0 END AS seller_refund,
        CASE WHEN s.refunded THEN 0 ELSE -s.referral END AS referral_fee,
        CASE WHEN s.refunded THEN -round(s.referral * 0.2, 2) ELSE 0 END AS refund_admin
    FROM finance_seed s
"""

STATEMENTS = """
    INSERT INTO finance_statement (
        shop_id, statement_id, statement_time, statement_date, currency, settlement_amount,
        revenue_amount, fee_tax_amount, shipping_cost_amount, adjustment_amount, reserve_amount,
        payable_amount, payment_status, tiktok_payment_id, source, transactions_expected,
        transactions_pulled_at, raw, created_at, updated_at
    )
    SELECT shop_id, '73' || lpad(shop_id::text, 4, '0') || to_char(day, 'YYYYMMDD') || '0001',
        day, day::date, currency, 0, 0, 0, 0, 0, 0, 0, 'PAID',
        '75' || lpad(shop_id::text, 4, '0') || to_char(day, 'YYYYMMDD') || '0001', 'api', 0,
        now(), '{}'::jsonb, now(), now()
    FROM finance_seed GROUP BY shop_id, day, currency
"""

TRANSACTIONS = """
    INSERT INTO finance_settlementtransaction (
        shop_id, statement_id, transaction_id, type, order_tiktok_id, order_id, adjustment_id,
        reserve_id, reserve_status, currency, order_create_time,
        settlement_amount, revenue_amount, shipping_cost_amount, fee_tax_amount,
        adjustment_amount, reserve_amount, gross_sales_amount, discount_amount, refund_amount,
        fee_amount, shipping_amount, tax_amount, unitemised_amount, breakdown, source,
        created_at, updated_at
    )
    SELECT a.shop_id, st.id, '80' || a.order_id, 'ORDER', a.order_id, a.order_pk, '', '', '',
        a.currency, a.create_time,
        a.gross + a.seller + a.refund + a.seller_refund
            + a.paid_shipping - a.label
            + a.referral_fee + a.refund_admin - a.txn_fee - a.campaign,
        a.gross + a.seller + a.refund + a.seller_refund,
        a.paid_shipping - a.label,
        a.referral_fee + a.refund_admin - a.txn_fee - a.campaign,
        0, 0, a.gross, a.seller, a.refund + a.seller_refund,
        a.referral_fee + a.refund_admin - a.txn_fee - a.campaign, a.paid_shipping - a.label,
        0, 0, '{}'::jsonb, 'api', now(), now()
    FROM finance_seed_amounts a
    JOIN finance_statement st ON st.shop_id = a.shop_id AND st.statement_date = a.day::date
        AND st.currency = a.currency
    UNION ALL
    SELECT a.shop_id, st.id, '81' || a.order_id,
        CASE WHEN a.h BETWEEN 300 AND 309 THEN 'SHIPPING_FEE_ADJUSTMENT' ELSE 'ORDER' END,
        CASE WHEN a.h BETWEEN 300 AND 309 THEN a.order_id
             ELSE '579' || lpad(a.order_pk::text, 15, '0') END,
        CASE WHEN a.h BETWEEN 300 AND 309 THEN a.order_pk END,
        CASE WHEN a.h BETWEEN 300 AND 309 THEN '9' || a.order_id ELSE '' END, '', '',
        a.currency, a.create_time,
        CASE WHEN a.h BETWEEN 300 AND 309 THEN -3.00 ELSE a.gross + a.seller END,
        CASE WHEN a.h BETWEEN 300 AND 309 THEN 0 ELSE a.gross + a.seller END, 0, 0,
        CASE WHEN a.h BETWEEN 300 AND 309 THEN -3.00 ELSE 0 END, 0,
        CASE WHEN a.h BETWEEN 300 AND 309 THEN 0 ELSE a.gross END,
        CASE WHEN a.h BETWEEN 300 AND 309 THEN 0 ELSE a.seller END, 0, 0, 0, 0, 0,
        '{}'::jsonb, 'api', now(), now()
    FROM finance_seed_amounts a
    JOIN finance_statement st ON st.shop_id = a.shop_id AND st.statement_date = a.day::date
        AND st.currency = a.currency
    WHERE a.h BETWEEN 300 AND 309 OR a.h BETWEEN 400 AND 401
"""

COMPONENT_ROWS = """
    INSERT INTO finance_transactioncomponent (transaction_id, component_id, amount)
    SELECT t.id, v.component, v.amount
    FROM finance_settlementtransaction t
    JOIN finance_seed_amounts a ON '80' || a.order_id = t.transaction_id AND a.shop_id = t.shop_id
    CROSS JOIN LATERAL (VALUES
        (%(gross)s, a.gross), (%(seller)s, a.seller), (%(refund)s, a.refund),
        (%(seller_refund)s, a.seller_refund), (%(referral)s, a.referral_fee),
        (%(refund_admin)s, a.refund_admin), (%(transaction_fee)s, -a.txn_fee),
        (%(campaign)s, -a.campaign), (%(paid_shipping)s, a.paid_shipping),
        (%(label)s, -a.label)
    ) AS v (component, amount)
    WHERE v.amount <> 0
"""

STATEMENT_TOTALS = """
    UPDATE finance_statement s SET settlement_amount = x.settlement,
        revenue_amount = x.revenue, fee_tax_amount = x.fees, shipping_cost_amount = x.shipping,
        adjustment_amount = x.adjustment, payable_amount = x.settlement,
        transactions_expected = x.n
    FROM (
        SELECT statement_id, sum(settlement_amount) AS settlement, sum(revenue_amount) AS revenue,
            sum(fee_tax_amount) AS fees, sum(shipping_cost_amount) AS shipping,
            sum(adjustment_amount) AS adjustment, count(*) AS n
        FROM finance_settlementtransaction GROUP BY statement_id
    ) x
    WHERE x.statement_id = s.id
"""

PAYMENTS = """
    INSERT INTO finance_payment (
        shop_id, payment_id, create_time, status, amount, currency, settlement_amount,
        settlement_currency, reserve_amount, reserve_currency, amount_before_exchange,
        amount_before_exchange_currency, exchange_rate, paid_time, bank_account, source, raw,
        created_at, updated_at
    )
    SELECT shop_id, tiktok_payment_id, statement_time + interval '1 day 2 hours', 'PAID',
        settlement_amount, currency, settlement_amount, currency, 0, currency,
        settlement_amount, currency, 1, statement_time + interval '2 days', '****4242', 'api',
        '{}'::jsonb, now(), now()
    FROM finance_statement WHERE source = 'api' AND settlement_amount > 0
"""

LINKS = """
    UPDATE finance_statement s SET payment_id = p.id
    FROM finance_payment p WHERE p.shop_id = s.shop_id AND p.payment_id = s.tiktok_payment_id
"""


ANALYZED = (
    "finance_statement",
    "finance_settlementtransaction",
    "finance_transactioncomponent",
    "finance_payment",
    "finance_statementtotals",
    "finance_statementcomponenttotal",
)


def finance_seed() -> dict:
    """Replace every shop's finance data with the settlement of its delivered orders."""
    found = components_for(COMPONENTS.values())
    ids = {name: found[pair][0] for name, pair in COMPONENTS.items()}
    types_ensure(["ORDER", "SHIPPING_FEE_ADJUSTMENT"])
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            "finance_difference",
            "finance_transactioncomponent",
            "finance_transactionsku",
            "finance_settlementtransaction",
            "finance_unsettledtransaction",
            "finance_withdrawal",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the names above
        Statement.objects.all().delete()
        Payment.objects.all().delete()
        FinanceSync.objects.all().delete()
        for step in (SETTLED, AMOUNTS, STATEMENTS, TRANSACTIONS):
            cursor.execute(step)
        cursor.execute(COMPONENT_ROWS, ids)
        for step in (STATEMENT_TOTALS, PAYMENTS, LINKS):
            cursor.execute(step)
        totals_rebuild_all()
    with connection.cursor() as cursor:  # fresh tables: give the planner their statistics
        for table in ANALYZED:
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 - the names below
    return {
        "statements": Statement.objects.count(),
        "transactions": connection_count("finance_settlementtransaction"),
        "components": connection_count("finance_transactioncomponent"),
        "payments": Payment.objects.count(),
    }


def connection_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a name of ours
        return cursor.fetchone()[0]
