"""What the simulated TikTok pays its shops: each delivered order settles some days after
delivery (never before its return is over) into the statement of that UTC day, with a
referral fee or commission, a transaction fee, an affiliate's commission on some orders, the
shipping TikTok's carrier charged, and refunds taken back; now and then an adjustment, a
settlement that differs from the order, or one for an order the shop never saw, so that a
reconciliation has something to explain. Each closed day becomes a statement with one payment.

Amounts are signed as TikTok's samples give them (costs negative) and a settlement is the
sum of its parts: revenue + shipping cost + fees and taxes + adjustment.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from demo.tiktok_simulator import constants as c
from orders.money import to_money

ZERO = Decimal("0.00")


def money(value: Decimal) -> str:
    return f"{to_money(value):.2f}"


def _rate(value: str, base: Decimal) -> Decimal:
    return to_money(Decimal(value) * base)


@dataclass
class Settled:
    """One transaction of a statement, and the SKU rows of an ORDER transaction."""

    data: dict
    skus: list = field(default_factory=list)
    order_create_time: int = 0


def _sku_rows(order: dict, refunded: bool, rng: random.Random, region: str) -> list[dict]:
    """The order's settlement per SKU, each part rounded to the cent; they add up to the
    order's transaction."""
    by_sku: dict[str, list[dict]] = defaultdict(list)
    for item in order["line_items"]:
        by_sku[item["sku_id"]].append(item)
    affiliate = rng.randrange(1000) < c.SHARE_AFFILIATE
    affiliate_rate = rng.choice(c.AFFILIATE_RATES)
    referral_key = "referral_fee_amount" if region == "US" else "platform_commission_amount"
    rows = []
    for number, (sku_id, items) in enumerate(by_sku.items()):
        gross = sum((Decimal(i["original_price"]) for i in items), ZERO)
        seller = sum((Decimal(i["seller_discount"]) for i in items), ZERO)
        platform = sum((Decimal(i["platform_discount"]) for i in items), ZERO)
        sales = gross - seller
        revenue = {"subtotal_before_discount_amount": gross, "seller_discount_amount": -seller}
        referral = -_rate(c.REFERRAL_FEE_RATE.get(region, "0.08"), sales)
        fees = {
            referral_key: referral,
            "transaction_fee_amount": -_rate(c.TRANSACTION_FEE_RATE, sales),
        }
        if affiliate:
            fees["affiliate_commission_amount"] = -_rate(affiliate_rate, sales)
        if refunded:
            revenue["refund_subtotal_before_discount_amount"] = -gross
            revenue["seller_discount_refund_amount"] = seller
            fees[referral_key] = ZERO
            fees["refund_administration_fee_amount"] = _rate(
                c.REFUND_ADMINISTRATION_SHARE, referral
            )
            fees.pop("affiliate_commission_amount", None)
        shipping = {}
        if number == 0:  # the order's shipping rides on its first SKU
            payment = order["payment"]
            shipping["customer_paid_shipping_fee_amount"] = Decimal(payment["shipping_fee"])
            shipping["shipping_fee_discount_amount"] = Decimal(
                payment["shipping_fee_platform_discount"]
            )
            if order.get("shipping_type") == "TIKTOK":
                low, high = (Decimal(v) for v in c.TIKTOK_LABEL_COST)
                cost = to_money(low + (high - low) * Decimal(rng.random()))
                shipping["actual_shipping_fee_amount"] = -cost
        rows.append(
            {
                "sku_id": sku_id,
                "sku_name": items[0]["sku_name"],
                "product_name": items[0]["product_name"],
                "quantity": str(len(items)),
                "revenue": revenue,
                "shipping": shipping,
                "fees": fees,
                "platform_discount": platform,
            }
        )
    return rows


def _noise(rows: list[dict], rng: random.Random) -> None:
    """What makes the demo's reconciliation find something (constants SHARE_*)."""
    roll = rng.randrange(1000)
    first = rows[0]
    if roll < c.SHARE_REVENUE_OFF:
        delta = to_money(Decimal(rng.uniform(0.5, 2.5)))
        first["revenue"]["seller_discount_amount"] -= delta
    elif roll < c.SHARE_REVENUE_OFF + c.SHARE_UNEXPECTED_FEE:
        sales = first["revenue"]["subtotal_before_discount_amount"]
        first["fees"]["campaign_resource_fee"] = -_rate("0.35", sales)


def _amounts(parts: dict[str, Decimal]) -> Decimal:
    return sum(parts.values(), ZERO)


def _sku_json(row: dict, statement_id: str) -> dict:
    revenue, shipping, fees = (
        _amounts(row["revenue"]),
        _amounts(row["shipping"]),
        _amounts(row["fees"]),
    )
    return {
        "sku_id": row["sku_id"],
        "sku_name": row["sku_name"],
        "product_name": row["product_name"],
        "quantity": row["quantity"],
        "statement_id": statement_id,
        "settlement_amount": money(revenue + shipping + fees),
        "revenue_amount": money(revenue),
        "revenue_breakdown": {k: money(v) for k, v in row["revenue"].items()},
        "shipping_cost_amount": money(shipping),
        "shipping_cost_breakdown": {k: money(v) for k, v in row["shipping"].items()},
        "fee_tax_amount": money(fees),
        "fee_tax_breakdown": {"fee": {k: money(v) for k, v in row["fees"].items()}, "tax": {}},
        "supplementary_component": {"platform_discount_amount": money(row["platform_discount"])},
    }


def _sum_dicts(rows: list[dict], name: str) -> dict[str, Decimal]:
    total: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        for key, value in row[name].items():
            total[key] += value
    return dict(total)


def order_transaction(order: dict, *, refunded: bool, rng, region: str, ids) -> Settled:
    """The ORDER transaction of a delivered order (its statement id filled in on issue)."""
    rows = _sku_rows(order, refunded, rng, region)
    _noise(rows, rng)
    revenue, shipping, fees = (_sum_dicts(rows, name) for name in ("revenue", "shipping", "fees"))
    platform = sum((row["platform_discount"] for row in rows), ZERO)
    settlement = _amounts(revenue) + _amounts(shipping) + _amounts(fees)
    data = {
        "id": ids.transaction(order["id"]),
        "type": "ORDER",
        "order_id": order["id"],
        "order_create_time": order["create_time"],
        "currency": order["payment"]["currency"],
        "settlement_amount": money(settlement),
        "revenue_amount": money(_amounts(revenue)),
        "shipping_cost_amount": money(_amounts(shipping)),
        "fee_tax_amount": money(_amounts(fees)),
        "adjustment_amount": "0.00",
        "revenue_breakdown": {k: money(v) for k, v in revenue.items()},
        "shipping_cost_breakdown": {k: money(v) for k, v in shipping.items()},
        "fee_tax_breakdown": {"fee": {k: money(v) for k, v in fees.items()}, "tax": {}},
        "supplementary_component": {
            "customer_payment_amount": order["payment"]["total_amount"],
            "platform_discount_amount": money(platform),
        },
    }
    return Settled(data=data, skus=rows, order_create_time=order["create_time"])


def adjustment_transaction(order_id: str, create_time: int, currency: str, rng, ids) -> Settled:
    kind = rng.choice(c.ADJUSTMENT_TYPES)
    sign = 1 if kind in ("PLATFORM_COMPENSATION", "LOGISTICS_REIMBURSEMENT") else -1
    amount = to_money(Decimal(rng.uniform(1, 15))) * sign
    data = {
        "id": ids.transaction(order_id, "1"),
        "type": kind,
        "adjustment_id": ids.adjustment(order_id),
        "adjustment_order_id": order_id,
        "order_create_time": create_time,
        "currency": currency,
        "settlement_amount": money(amount),
        "revenue_amount": "0.00",
        "shipping_cost_amount": "0.00",
        "fee_tax_amount": "0.00",
        "adjustment_amount": money(amount),
    }
    return Settled(data=data, order_create_time=create_time)


def unsettled_estimate(order: dict, settled: Settled, *, settles_at: int) -> dict:
    """What Get Unsettled Transactions shows of a delivered order before it settles."""
    data = settled.data
    return {
        "id": data["id"],
        "type": "ORDER",
        "status": "UNSETTLED",
        "currency": data["currency"],
        "order_id": order["id"],
        "order_create_time": order["create_time"],
        "order_delivery_time": order["delivery_time"],
        "estimated_settlement": str(settles_at),
        "unsettled_reason": "Waiting for the settlement period to end",
        "est_settlement_amount": data["settlement_amount"],
        "est_revenue_amount": data["revenue_amount"],
        "est_shipping_cost_amount": data["shipping_cost_amount"],
        "est_fee_tax_amount": data["fee_tax_amount"],
        "est_adjustment_amount": "0.00",
        "revenue_breakdown": data["revenue_breakdown"],
        "shipping_cost_breakdown": data["shipping_cost_breakdown"],
        "fee_tax_breakdown": data["fee_tax_breakdown"],
    }


def sku_transactions(settled: Settled, statement_id: str) -> list[dict]:
    return [_sku_json(row, statement_id) for row in settled.skus]
