"""How a value becomes a cell: one function per column, built once per shop and file type.

CSV cells are text. Identifiers and TikTok times get TikTok's trailing tab, so Excel keeps
18-digit ids whole; other times are ISO 8601 with the shop's offset. XLSX cells keep their
type: numbers are numbers and times are the shop's local time (the header names the zone).
Every free-text cell is neutralised against formulas and, where the requester may not see
buyer contact, masked the way every page masks it.
"""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.csvsafe import csv_safe
from accounts.masking import BUYER_FIELD_MASKS

from .columns import Column, Kind, Template

TIKTOK_TIME = "%m/%d/%Y %I:%M:%S %p"  # 03/01/2026 10:00:00 AM, no zone (reference §4.4)
EXCEL_TIKTOK_TIME = "mm/dd/yyyy hh:mm:ss AM/PM"
EXCEL_TIME = "yyyy-mm-dd hh:mm:ss"
EXCEL_MONEY = "0.00"
TAB = "\t"

Cell = Callable[[object], object]


def _text(column: Column, masked: bool, xlsx: bool) -> Cell:
    masker = BUYER_FIELD_MASKS[column.mask] if masked and column.mask else None

    def cell(value):
        text = "" if value is None else str(value)
        if masker and text:
            text = masker(text)
        text = csv_safe(text)
        return ILLEGAL_CHARACTERS_RE.sub("", text) if xlsx else text

    return cell


def _identifier(xlsx: bool) -> Cell:
    if xlsx:
        return lambda value: value or ""
    return lambda value: f"{value}{TAB}" if value else ""


def _time(zone: ZoneInfo, tiktok: bool, xlsx: bool) -> Cell:
    def cell(value: datetime | None):
        if value is None:
            return ""
        local = value.astimezone(zone)
        if xlsx:
            return local.replace(tzinfo=None)
        if tiktok:
            return local.strftime(TIKTOK_TIME) + TAB
        return local.isoformat(timespec="seconds")

    return cell


def _money(xlsx: bool) -> Cell:
    return (lambda value: value) if xlsx else (lambda value: "" if value is None else str(value))


def _label(column: Column) -> Cell:
    labels = column.labels
    return lambda value: labels.get(value, value or "")


def cell_functions(template: Template, *, zone: ZoneInfo, masked: bool, xlsx: bool) -> list[Cell]:
    """One function per template column turning a database value into the written cell."""
    functions = []
    for tc in template.columns:
        kind = tc.column.kind
        if kind == Kind.TEXT:
            functions.append(_text(tc.column, masked, xlsx))
        elif kind == Kind.ID:
            functions.append(_identifier(xlsx))
        elif kind == Kind.TIME:
            functions.append(_time(zone, template.tiktok_format, xlsx))
        elif kind == Kind.MONEY:
            functions.append(_money(xlsx))
        elif kind == Kind.INT:
            functions.append(lambda value: value)
        else:
            functions.append(_label(tc.column))
    return functions


def excel_number_format(template: Template, kind: Kind) -> str | None:
    if kind == Kind.TIME:
        return EXCEL_TIKTOK_TIME if template.tiktok_format else EXCEL_TIME
    if kind == Kind.MONEY:
        return EXCEL_MONEY
    return None


def headers(template: Template, zones: set[str]) -> list[str]:
    """The header row. Outside TikTok's template, time headers name the zone of their values."""
    if template.tiktok_format:
        return template.headers
    where = next(iter(zones)) if len(zones) == 1 else "shop time"
    return [
        f"{tc.header} ({where})" if tc.column.kind == Kind.TIME else tc.header
        for tc in template.columns
    ]
