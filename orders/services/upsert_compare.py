"""What storing a TikTok order would change: the fields, lines and packages that differ.

Who brings the order decides how it compares (`UpsertBy`). TikTok's API says its values
exactly. A file says times to the second, in local time without an offset (in the hour a DST
fall-back repeats, either reading is the same time), and has no update time, order type or
currency of its own, so those are only written when the file creates the order. For an order
TikTok's API stored last, a file that cannot prove itself newer only fills what the API never
carries (docs/decisions.md "Files and the sync").
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from orders.models import Order, Package
from orders.periods import other_reading
from orders.tiktok_order import API_LINE_FIELDS, API_ORDER_FIELDS, LineValues, TikTokOrder

FILE = "file"
CREATE_ONLY = ("update_time", "order_type", "currency")  # a file's, when it creates the order


@dataclass(frozen=True)
class UpsertBy:
    """Who brings the orders: TikTok's API (`source` "sync" or "webhook") or a TikTok file
    (FILE, with the ImportJob its timeline entries name, if any, and the shop's zone)."""

    source: str
    job: object = None
    zone: ZoneInfo | None = None

    @property
    def file(self) -> bool:
        return self.source == FILE

    @classmethod
    def tiktok_file(cls, *, zone: ZoneInfo, job=None) -> "UpsertBy":
        return cls(source=FILE, job=job, zone=zone)


@dataclass
class Change:
    stored: Order
    order: TikTokOrder
    fields: list[str]
    lines: list  # (stored line or None, LineValues)
    packages: list  # (stored package or None, PackageValues)


def package_of(stored: list[Package], key: str, values: dict | None = None) -> Package | None:
    """The stored package TikTok's `key` names; given its values, also the one with the same
    package id or tracking number (a parcel known by its number before TikTok gave its id)."""
    names = {key} | {(values or {}).get(n) for n in ("package_id", "tracking_number")} - {"", None}
    for package in stored:
        if names & {package.package_id, package.tracking_number} - {""}:
            return package
    return None


def _same(stored, given, zone: ZoneInfo | None) -> bool:
    """Equal as the source can say it: exactly from the API; from a file, times to the second
    (files have no fractions), either instant of a local time that a DST fall-back repeats."""
    if stored == given:
        return True
    if zone is None or not isinstance(stored, datetime) or not isinstance(given, datetime):
        return False
    stored = stored.replace(microsecond=0)
    return stored == given.replace(microsecond=0) or stored == other_reading(given, zone)


def _differs(row, values: dict, zone=None) -> bool:
    return any(not _same(getattr(row, name), value, zone) for name, value in values.items())


def _repacked(packages: list, line, values: LineValues) -> bool:
    """TikTok puts the line in a package it is not in (yet)."""
    if not values.package_key:
        return False
    package = package_of(packages, values.package_key)
    return package is None or line.package_id != package.pk


def order_change(current: Order, order: TikTokOrder, by: UpsertBy) -> Change | None:
    """Everything `order` says that differs from what is stored, or None."""
    parts = differences(current, list(current.lines.all()), list(current.packages.all()), order, by)
    return Change(current, order, *parts) if parts else None


def differences(current, lines: list, packages: list, order: TikTokOrder, by: UpsertBy):
    """(fields, lines, packages) that `order` says differently from the stored order `current`
    with its `lines` and `packages`, or None when it says nothing new. The stored rows are
    models or the named rows of `.values_list(named=True)` (orders/services/upsert_same.py):
    only their attributes are read, so both are compared by this one code."""
    skipped = CREATE_ONLY if by.file else ()
    zone = by.zone
    fields = [
        name
        for name, value in order.fields.items()
        if name not in skipped
        and (stored := getattr(current, name)) != value
        and not _same(stored, value, zone)
    ]
    changed_packages = [
        (package, values)
        for values in order.packages
        if (package := package_of(packages, values.key, values.values)) is None
        or _differs(package, values.values)
    ]
    lines_by_sku = {line.sku_id: line for line in lines}
    changed_lines = []
    for values in order.lines:
        line = lines_by_sku.get(values.sku_id)
        if line is None or _differs(line, values.values) or _repacked(packages, line, values):
            changed_lines.append((line, values))
    if fields or changed_packages or changed_lines:
        return fields, changed_lines, changed_packages
    return None


def fills(current: Order, order: TikTokOrder) -> Change | None:
    """What a file adds to an order TikTok's API stored last without proving itself newer: the
    fields of the order and of its stored lines that the API never carries, where still empty."""
    fields = [
        name
        for name, value in order.fields.items()
        if name not in API_ORDER_FIELDS and value and not getattr(current, name)
    ]
    lines_by_sku = {line.sku_id: line for line in current.lines.all()}
    lines = []
    for values in order.lines:
        line = lines_by_sku.get(values.sku_id)
        if line is None:
            continue  # a line the API does not list is the API's to add
        empty = {
            name: value
            for name, value in values.values.items()
            if name not in API_LINE_FIELDS and value and not getattr(line, name)
        }
        if empty:
            lines.append((line, LineValues(values.sku_id, empty)))
    if fields or lines:
        return Change(current, order, fields, lines, [])
    return None
