"""What a demo order is made of: buyers and their addresses, product lines, ids and tracking
numbers, drawn at random in a market's own words (demo/words.py)."""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from demo import words as data
from orders.models import Order, OrderEvent, OrderLine, Package, Refund
from orders.money import line_amounts, to_money
from tracking.models import TrackingCheckpoint


@dataclass
class DemoOrder:
    """An order and everything that hangs off it, not yet saved."""

    order: Order
    lines: list[OrderLine] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    checkpoints: list[tuple[int, TrackingCheckpoint]] = field(default_factory=list)
    events: list[OrderEvent] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)


def random_tracking_number(rng: random.Random, carrier: str) -> str:
    def digits(n: int) -> str:
        return digits_str(rng, n)

    if carrier == "USPS":
        return "9400" + digits(18)
    if carrier == "UPS":
        return "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))
    if carrier == "Royal Mail":
        return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + digits(9) + "GB"
    if carrier == "Evri":
        return "H" + digits(15)
    return digits(14 if carrier == "DPD" else 12)


def random_buyer(rng: random.Random, market: dict) -> dict:
    first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
    city, state, postal = rng.choice(market["places"])
    postal_code = (
        (postal + digits_str(rng, 2))
        if postal.isdigit()
        else (
            f"{postal} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
    )
    handle = f"{first.lower()}.{last.lower().replace(chr(39), '')}{rng.randint(1, 99)}"
    return {
        "buyer_user_id": "7" + digits_str(rng, 18),
        "buyer_username": handle,
        "buyer_nickname": first,
        "buyer_email": f"{digits_str(rng, 10)}{handle[:4]}@scs3.tiktok.com",
        "recipient_name": f"{first} {last}",
        "recipient_phone": market["phone"].format(area=digits_str(rng, 3), rest=digits_str(rng, 7)),
        "address_line1": f"{rng.randint(1, 9800)} {rng.choice(data.STREETS)}",
        "address_line2": rng.choice(("", "", "", f"Apt {rng.randint(1, 40)}")),
        "city": city,
        "state": state,
        "postal_code": postal_code,
    }


def digits_str(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


def random_lines(rng: random.Random, currency_market: str) -> list[OrderLine]:
    count = rng.choices((1, 2, 3, 4), (64, 23, 9, 4))[0]
    lines = []
    for product in rng.sample(data.CATALOGUE, count):
        name, category, price, colours, sizes = product
        variation = ", ".join(
            v
            for v in (
                rng.choice(colours) if colours else "",
                rng.choice(sizes) if sizes else "",
            )
            if v
        )
        unit = Decimal(price)
        if currency_market != "US":  # the same catalogue, priced in pounds
            unit = to_money(unit * Decimal("0.85"))
        quantity = rng.choices((1, 2, 3), (80, 15, 5))[0]
        gross = unit * quantity
        seller = platform = Decimal(0)
        if rng.random() < 0.3:
            seller = to_money(gross * rng.choice((10, 15, 20)) / 100)
        if rng.random() < 0.25:
            platform = to_money(gross * rng.choice((5, 10)) / 100)
        product_number = data.CATALOGUE.index(product)
        sku_suffix = sum(map(ord, variation)) % 97
        lines.append(
            OrderLine(
                sku_id=f"17{product_number:03d}{sku_suffix:02d}{len(variation):02d}0000000012",
                seller_sku=f"{''.join(w[0] for w in name.split()[:3]).upper()}-{product_number:02d}"
                + (
                    f"-{variation.replace(', ', '-').replace(' ', '').upper()}" if variation else ""
                ),
                product_id=f"172{product_number:03d}9000000000",
                product_name=name,
                variation=variation,
                product_category=category,
                quantity=quantity,
                **line_amounts(
                    unit_original_price=unit,
                    quantity=quantity,
                    platform_discount=platform,
                    seller_discount=seller,
                ),
            )
        )
    return lines


def random_billing(rng, buyer: dict, market: dict, market_code: str) -> dict:
    """Billing equals shipping for most buyers; some differ, a few in another country."""
    roll = rng.random()
    if roll < 0.95:
        city, state, postal, country = (
            buyer["city"],
            buyer["state"],
            buyer["postal_code"],
            market_code,
        )
        line1 = buyer["address_line1"]
    else:
        city, state, postal_prefix = rng.choice(market["places"])
        postal, country = f"{postal_prefix}{digits_str(rng, 2)}", market_code
        line1 = f"{rng.randint(1, 9800)} {rng.choice(data.STREETS)}"
        if roll > 0.993:
            city, state, postal, country = "Toronto", "Ontario", "M5V 2T6", "CA"
    return {
        "billing_name": buyer["recipient_name"],
        "billing_address_line1": line1,
        "billing_city": city,
        "billing_state": state,
        "billing_postal_code": postal,
        "billing_region_code": country,
    }
