"""The SQL of a reconciliation (finance.services.reconcile), one statement per step, each
over the whole scope at once. `%(name)s` parameters: shop, since, until (the statement times
in scope), all_statements (no time limit), never_settled (look for unsettled orders),
settled_by (a delivery before it should have settled), tolerance, fee_rate, now.

The expected revenue of an order, from its money breakdown (docs/decisions.md "Finance:
reconciliation"): what the buyer was charged for products less the seller's own discounts,
less what was refunded of that:
    P = original_total_product_price - seller_discount
    expected revenue = P - LEAST(refunded_amount, P)
"""

SCOPE = """
    scope AS (
        SELECT id, statement_date FROM finance_statement
        WHERE shop_id = %(shop)s
          AND (%(all_statements)s OR (statement_time >= %(since)s AND statement_time < %(until)s))
    )
"""

MATCH = (
    """
    WITH"""
    + SCOPE
    + """
    UPDATE finance_settlementtransaction t SET order_id = o.id
    FROM orders_order o, scope
    WHERE t.statement_id = scope.id AND t.shop_id = %(shop)s AND t.order_id IS NULL
      AND t.order_tiktok_id <> '' AND o.shop_id = t.shop_id AND o.order_id = t.order_tiktok_id
    """
)

MATCH_OTHERS = """
    UPDATE {table} t SET order_id = o.id
    FROM orders_order o
    WHERE t.shop_id = %(shop)s AND t.order_id IS NULL AND t.order_tiktok_id <> ''
      AND o.shop_id = t.shop_id AND o.order_id = t.order_tiktok_id
"""

FOUND_TABLE = """
    CREATE TEMPORARY TABLE finance_found (
        key varchar(120) PRIMARY KEY, kind varchar(20), reason varchar(24),
        statement_id bigint, transaction_id bigint, order_id bigint,
        order_tiktok_id varchar(32), currency varchar(3),
        expected_amount numeric(16, 2), actual_amount numeric(16, 2), sentence text
    ) ON COMMIT DROP
"""

# An amount as the pages write it: "1,234.50 USD".
MONEY = "to_char({0}, 'FM999,999,999,990.00') || ' ' || {1}"
DAY = "to_char({0}, 'YYYY-MM-DD')"

UNKNOWN_ORDERS = (
    "WITH"
    + SCOPE
    + f"""
    INSERT INTO finance_found
    SELECT 'unknown_order:' || t.transaction_id, 'unknown_order', '', t.statement_id, t.id,
        NULL, t.order_tiktok_id, t.currency, NULL, t.settlement_amount,
        'TikTok settled ' || {MONEY.format("t.settlement_amount", "t.currency")}
        || ' for order ' || t.order_tiktok_id || ' in the statement of '
        || {DAY.format("scope.statement_date")} || ', and no order ' || t.order_tiktok_id
        || ' is in the portal.'
    FROM finance_settlementtransaction t JOIN scope ON scope.id = t.statement_id
    WHERE t.shop_id = %(shop)s AND t.order_id IS NULL AND t.order_tiktok_id <> ''
    """
)

CURRENCY_MISMATCHES = (
    "WITH"
    + SCOPE
    + """
    INSERT INTO finance_found
    SELECT 'currency:' || t.transaction_id, 'currency_mismatch', '', t.statement_id, t.id,
        o.id, t.order_tiktok_id, t.currency, NULL, t.settlement_amount,
        'TikTok settled order ' || t.order_tiktok_id || ' in ' || t.currency
        || ', but the order is in ' || o.currency || '.'
    FROM finance_settlementtransaction t JOIN scope ON scope.id = t.statement_id
    JOIN orders_order o ON o.id = t.order_id
    WHERE t.shop_id = %(shop)s AND t.currency <> o.currency
    """
)

ADJUSTMENTS = (
    "WITH"
    + SCOPE
    + f"""
    INSERT INTO finance_found
    SELECT 'adjustment:' || t.transaction_id, 'amount_differs', 'adjustment', t.statement_id,
        t.id, t.order_id, t.order_tiktok_id, t.currency, 0, t.settlement_amount,
        'TikTok adjusted order ' || t.order_tiktok_id || ' by '
        || {MONEY.format("t.settlement_amount", "t.currency")} || ' (' || ty.label
        || ') in the statement of ' || {DAY.format("scope.statement_date")} || '.'
    FROM finance_settlementtransaction t JOIN scope ON scope.id = t.statement_id
    JOIN finance_transactiontype ty ON ty.code = t.type
    WHERE t.shop_id = %(shop)s AND t.order_id IS NOT NULL
      AND ty."group" NOT IN ('order', 'reserve') AND t.settlement_amount <> 0
    """
)

# Each order with an ORDER transaction in scope, over all of its ORDER transactions (an order
# can settle in one statement and be corrected in a later one), in the order's currency; the
# statement it is attached to is its latest one stored (the highest id).
ORDER_TOTALS = (
    "WITH"
    + SCOPE
    + """,
    totals AS (
        SELECT t.order_id, sum(t.revenue_amount) AS revenue, sum(t.fee_amount) AS fees,
            max(t.statement_id) AS statement_id, min(t.currency) AS low, max(t.currency) AS high
        FROM finance_settlementtransaction t LEFT JOIN scope ON scope.id = t.statement_id
        WHERE t.shop_id = %(shop)s AND t.type = 'ORDER' AND t.order_id IS NOT NULL
        GROUP BY t.order_id
        HAVING bool_or(scope.id IS NOT NULL)
    )
    INSERT INTO finance_order_totals
    SELECT o.id, o.order_id, o.currency, totals.statement_id, totals.revenue, totals.fees,
        o.original_total_product_price - o.seller_discount AS product,
        o.refunded_amount
    FROM totals JOIN orders_order o ON o.id = totals.order_id
    WHERE totals.low = o.currency AND totals.high = o.currency
    """
)

ORDER_TOTALS_TABLE = """
    CREATE TEMPORARY TABLE finance_order_totals (
        order_id bigint, order_tiktok_id varchar(32), currency varchar(3), statement_id bigint,
        revenue numeric(18, 2), fees numeric(18, 2), product numeric(18, 2),
        refunded numeric(18, 2)
    ) ON COMMIT DROP
"""

EXPECTED = "(x.product - LEAST(x.refunded, x.product))"

REVENUE_DIFFERENCES = f"""
    INSERT INTO finance_found
    SELECT 'revenue:' || x.order_tiktok_id, 'amount_differs',
        CASE WHEN x.refunded > 0 AND abs(x.revenue - x.product) <= %(tolerance)s
             THEN 'refund_not_reflected' ELSE 'other' END,
        x.statement_id, NULL, x.order_id, x.order_tiktok_id, x.currency, {EXPECTED}, x.revenue,
        CASE WHEN x.refunded > 0 AND abs(x.revenue - x.product) <= %(tolerance)s
        THEN 'Order ' || x.order_tiktok_id || ': '
            || {MONEY.format("x.refunded", "x.currency")} || ' was refunded, but TikTok''s '
            || 'revenue of ' || {MONEY.format("x.revenue", "x.currency")}
            || ' does not reflect it (expected '
            || {MONEY.format(EXPECTED, "x.currency")} || ').'
        ELSE 'Order ' || x.order_tiktok_id || ': TikTok''s revenue is '
            || {MONEY.format("x.revenue", "x.currency")} || ', the order''s breakdown predicts '
            || {MONEY.format(EXPECTED, "x.currency")} || ' (a difference of '
            || {MONEY.format(f"x.revenue - {EXPECTED}", "x.currency")} || ').'
        END
    FROM finance_order_totals x
    WHERE abs(x.revenue - {EXPECTED}) > %(tolerance)s
"""

FEE_LIMIT = "round(x.product * %(fee_rate)s, 2)"

FEE_DIFFERENCES = f"""
    INSERT INTO finance_found
    SELECT 'fee:' || x.order_tiktok_id, 'amount_differs', 'unexpected_fee', x.statement_id,
        NULL, x.order_id, x.order_tiktok_id, x.currency, -{FEE_LIMIT}, x.fees,
        'Order ' || x.order_tiktok_id || ': TikTok charged '
        || {MONEY.format("-x.fees", "x.currency")} || ' in fees, more than the '
        || {MONEY.format(FEE_LIMIT, "x.currency")} || ' expected at most ('
        || to_char(%(fee_rate)s * 100, 'FM990.##') || '%% of '
        || {MONEY.format("x.product", "x.currency")} || ').'
    FROM finance_order_totals x
    WHERE -x.fees > {FEE_LIMIT} + %(tolerance)s
"""

# Delivered (and kept) orders that should have settled by now and that no statement names,
# among the orders delivered since the shop's first statement (before it, we cannot know).
NEVER_SETTLED = f"""
    INSERT INTO finance_found
    SELECT 'never_settled:' || o.order_id, 'never_settled', '', NULL, NULL, o.id, o.order_id,
        o.currency, o.original_total_product_price - o.seller_discount
            - LEAST(o.refunded_amount, o.original_total_product_price - o.seller_discount),
        NULL,
        'Order ' || o.order_id || ' was delivered on ' || {DAY.format("o.delivery_time")}
        || ' and TikTok has not settled it ('
        || (%(now)s::date - o.delivery_time::date) || ' days).'
    FROM orders_order o
    WHERE o.shop_id = %(shop)s AND o.status IN ('DELIVERED', 'COMPLETED')
      AND o.delivery_time >= %(delivered_since)s AND o.delivery_time < %(delivered_until)s
      AND o.delivery_time >= (
          SELECT min(statement_time) FROM finance_statement WHERE shop_id = %(shop)s
      )
      AND NOT EXISTS (
          SELECT 1 FROM finance_settlementtransaction t
          WHERE t.order_id = o.id AND t.type = 'ORDER'
      )
"""

FACTS = (
    "md5(concat_ws('|', f.kind, f.reason, f.currency, f.order_tiktok_id, "
    "f.expected_amount::text, f.actual_amount::text))"
)

MERGE = f"""
    INSERT INTO finance_difference AS d (
        shop_id, key, kind, reason, statement_id, transaction_id, order_id, order_tiktok_id,
        currency, expected_amount, actual_amount, sentence, facts, status, explained_facts,
        note, found_at, checked_at
    )
    SELECT %(shop)s, f.key, f.kind, f.reason, f.statement_id, f.transaction_id, f.order_id,
        f.order_tiktok_id, f.currency, f.expected_amount, f.actual_amount, f.sentence,
        {FACTS}, 'open', '', '', %(now)s, %(now)s
    FROM finance_found f
    ON CONFLICT (shop_id, key) DO UPDATE SET
        kind = EXCLUDED.kind, reason = EXCLUDED.reason, statement_id = EXCLUDED.statement_id,
        transaction_id = EXCLUDED.transaction_id, order_id = EXCLUDED.order_id,
        currency = EXCLUDED.currency, expected_amount = EXCLUDED.expected_amount,
        actual_amount = EXCLUDED.actual_amount, sentence = EXCLUDED.sentence,
        facts = EXCLUDED.facts, checked_at = EXCLUDED.checked_at,
        status = CASE
            WHEN d.status = 'explained' AND d.explained_facts = EXCLUDED.facts THEN 'explained'
            ELSE 'open' END
"""

# What the scope looked at and no longer finds: resolved.
RESOLVE = (
    "WITH"
    + SCOPE
    + """
    UPDATE finance_difference d SET status = 'resolved', checked_at = %(now)s
    FROM finance_difference d2
    LEFT JOIN orders_order o ON o.id = d2.order_id
    WHERE d.id = d2.id AND d.shop_id = %(shop)s AND d.status <> 'resolved'
      AND NOT EXISTS (SELECT 1 FROM finance_found f WHERE f.key = d.key)
      AND (
        (d.kind <> 'never_settled' AND d.statement_id IN (SELECT id FROM scope))
        OR (d.kind <> 'never_settled' AND d.statement_id IS NULL AND %(all_statements)s)
        OR (d.kind = 'never_settled' AND %(never_settled)s AND (
            o.id IS NULL OR (o.delivery_time >= %(delivered_since)s
                             AND o.delivery_time < %(delivered_until)s)
            OR o.delivery_time IS NULL))
      )
    """
)

# Dropped at the end too: inside an outer transaction (a test, a caller's atomic block) the
# temporary tables would otherwise outlive the reconciliation.
DROP = "DROP TABLE IF EXISTS finance_found, finance_order_totals"

COUNTS = """
    SELECT kind, reason, count(*) FROM finance_found GROUP BY kind, reason ORDER BY kind, reason
"""
