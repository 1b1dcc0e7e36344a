"""How a value becomes a cell: one function per column, built once per shop and file type.

CSV cells are text. In TikTok's template, identifiers and times get TikTok's trailing tab (so
Excel keeps 18-digit ids whole, as in TikTok's own files); elsewhere ids are plain and times
are ISO 8601 with the shop's offset. XLSX cells keep their type: numbers are numbers and times
are date-times in the shop's local time (the header names the zone).
Every free-text cell is neutralised against formulas and, where the requester may not see
buyer contact, masked the way every page masks it.
"""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from accounts.csvsafe import FORMULA_TRIGGERS, csv_safe
from accounts.masking import BUYER_FIELD_MASKS
from exports import xlsx
from exports.columns import Column, Kind, Template

TIKTOK_TIME = "%m/%d/%Y %I:%M:%S %p"  # 03/01/2026 10:00:00 AM, no zone (docs/tiktok.md)
TAB = "\t"

Cell = Callable[[object], object]


def cell_functions(template: Template, *, zone: ZoneInfo, masked: bool, xlsx: bool) -> list[Cell]:
    """One function per template column turning a database value into the written cell."""
    make = _xlsx_cell if xlsx else _csv_cell
    return [make(tc.column, template, zone, masked) for tc in template.columns]


def _masker(column: Column, masked: bool):
    return BUYER_FIELD_MASKS[column.mask] if masked and column.mask else None


def _csv_cell(column: Column, template: Template, zone: ZoneInfo, masked: bool) -> Cell:
    """CSV: text cells; in TikTok's template, ids and times with TikTok's trailing tab."""
    kind = column.kind
    if kind == Kind.TEXT:
        masker = _masker(column, masked)

        def text(value):
            value = "" if value is None else str(value)
            return csv_safe(masker(value) if masker and value else value)

        return text
    if kind == Kind.ID:
        end = TAB if template.tiktok_format else ""
        return lambda value: f"{value}{end}" if value else ""
    if kind == Kind.TIME:
        if template.tiktok_format:
            return lambda v: "" if v is None else v.astimezone(zone).strftime(TIKTOK_TIME) + TAB
        return lambda v: "" if v is None else v.astimezone(zone).isoformat(timespec="seconds")
    if kind == Kind.MONEY:
        return lambda value: "" if value is None else str(value)
    if kind == Kind.INT:
        return lambda value: value
    labels = column.labels
    return lambda value: labels.get(value, value or "")


def _xlsx_cell(column: Column, template: Template, zone: ZoneInfo, masked: bool) -> Cell:
    """XLSX: the cell's XML, typed (numbers, money, shop-local times) and styled."""
    kind = column.kind
    if kind == Kind.TEXT:
        masker = _masker(column, masked) or str
        text_cell, empty = xlsx.text_cell, xlsx.EMPTY

        def text(value):
            if not value:
                return empty
            value = masker(str(value))
            return text_cell("'" + value if value.startswith(FORMULA_TRIGGERS) else value)

        return text
    if kind == Kind.ID:
        return lambda value: xlsx.text_cell(value) if value else xlsx.EMPTY
    if kind == Kind.TIME:
        style = xlsx.TIKTOK_TIME if template.tiktok_format else xlsx.TIME
        return lambda v: xlsx.EMPTY if v is None else xlsx.time_cell(v.astimezone(zone), style)
    if kind == Kind.MONEY:
        money = xlsx.number_format(xlsx.MONEY)
        return lambda value: xlsx.EMPTY if value is None else money(value)
    if kind == Kind.INT:
        number = xlsx.number_format()
        return lambda value: xlsx.EMPTY if value is None else number(value)
    words = {key: xlsx.text_cell(word) for key, word in column.labels.items()}
    return lambda value: words.get(value) or (xlsx.text_cell(value) if value else xlsx.EMPTY)


def headers(template: Template, zones: set[str]) -> list[str]:
    """The header row, neutralised as text cells are. Outside TikTok's template, time headers
    name the zone of their values."""
    if template.tiktok_format:
        return [csv_safe(header) for header in template.headers]
    where = next(iter(zones)) if len(zones) == 1 else "shop time"
    return [
        csv_safe(f"{tc.header} ({where})" if tc.column.kind == Kind.TIME else tc.header)
        for tc in template.columns
    ]
