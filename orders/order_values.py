"""The values storing an order takes, whoever brings them: TikTok's API (orders/tiktok_order.py
reads its objects) or a TikTok order file (the importer reads its rows through the same
mapping). Fields present are what the source says; a field absent is one it does not know,
which storing leaves as it is.
"""

from dataclasses import dataclass, field
from datetime import datetime


class OrderRefused(ValueError):
    """TikTok's order cannot be read as documented; `order_id` says which, when known."""

    def __init__(self, reason: str, *, order_id: str = ""):
        super().__init__(reason)
        self.reason, self.order_id = reason, order_id


@dataclass
class LineValues:
    """One SKU of the order: TikTok's API sends one line item per unit, grouped by `sku_id`;
    a file one row per SKU."""

    sku_id: str
    values: dict  # OrderLine fields
    package_key: str = ""  # the package (id, else tracking number) of its first unit


@dataclass
class PackageValues:
    key: str  # TikTok's package id, or the tracking number when it has none yet
    values: dict  # Package fields


@dataclass
class TikTokOrder:
    order_id: str
    fields: dict  # Order fields the source says
    lines: list[LineValues] = field(default_factory=list)
    packages: list[PackageValues] = field(default_factory=list)

    @property
    def update_time(self) -> datetime:
        return self.fields["update_time"]
