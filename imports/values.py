"""Cells of a TikTok file as values: amounts with their currency and separators, local times,
counts, and whether two writings of an order-level cell say the same thing.

TikTok writes one value several ways, even within one order (docs/tiktok.md "Seller Center
files"): `RM 8.00` and `8`, `267.4` and `RM 267.40`, `Rp 1.234.500`, `BRL 35,91`, `$1,234.50`.
"""

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo


class BadValue(ValueError):
    """The cell is not what its column holds; the message says what it is instead."""


CURRENCY = re.compile(r"^(?:[A-Z]{3}|RM|Rp|R\$|[$€£฿₫₱])\s*|\s*(?:[A-Z]{3}|[$€£฿₫₱])$")
# Spaces that group thousands: plain, no-break and narrow no-break (1 234,56 · 1 234,56).
GROUPING_SPACES = str.maketrans("", "", " \u00a0\u202f'")
AMOUNT = re.compile(r"-?[\d.,]+")
GROUPED = re.compile(r"-?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*|-?\d*")  # 1.234.500, 1,234


def _decimal_mark(digits: str, comma_market: bool) -> str | None:
    """Which of `.` and `,` is the decimal mark in `digits` (None: a whole number).

    Both present: the last one. One mark written several times: it groups thousands. One mark
    written once: a decimal mark unless exactly three digits follow it, where the market
    decides (`150.000` is 150000 in Indonesia, `1,500` is 1500 in the United States).
    """
    marks = [char for char in digits if char in ".,"]
    if not marks:
        return None
    if len(set(marks)) == 2:
        return marks[-1]
    mark = marks[0]
    if len(marks) > 1:
        return None
    if len(digits) - digits.index(mark) - 1 != 3:
        return mark
    return mark if mark == ("," if comma_market else ".") else None


# An amount as our exports and most files write it (`19.99`, `0.00`, `199`): read the same in
# every market, so it skips the separators' reading below (a file has ~10 amounts a row).
PLAIN_AMOUNT = re.compile(r"\d{1,15}(?:\.\d{1,2})?")
CENT = Decimal("0.01")


@lru_cache(maxsize=8192)
def money(text: str, comma_market: bool) -> Decimal:
    """'19.99', '$19.99', 'THB 199', 'RM 8', 'Rp 1.234.500', 'BRL 35,91', '$1,234.50'.

    Cached: a file repeats its amounts (prices, fees, zeros) on many rows, and a Decimal is
    immutable."""
    if PLAIN_AMOUNT.fullmatch(text):
        return Decimal(text).quantize(CENT)
    cleaned = CURRENCY.sub("", text.strip()).translate(GROUPING_SPACES)
    if not cleaned:
        return Decimal("0.00")
    if not AMOUNT.fullmatch(cleaned):
        raise BadValue(f"{text[:30]!r} is not an amount")
    mark = _decimal_mark(cleaned, comma_market)
    whole, _, fraction = cleaned.rpartition(mark) if mark else (cleaned, "", "")
    if not GROUPED.fullmatch(whole) or not fraction.isdigit() and fraction:
        raise BadValue(f"{text[:30]!r} is not an amount")
    try:
        value = Decimal(re.sub(r"[.,]", "", whole) + "." + (fraction or "0"))
        value = value.quantize(CENT)
    except InvalidOperation:
        raise BadValue(f"{text[:30]!r} is not an amount") from None
    if value < 0:
        raise BadValue("a negative amount")
    return value


def count(text: str) -> int:
    if not re.fullmatch(r"\d{1,6}", text or "0"):
        raise BadValue(f"{text[:20]!r} is not a whole number of items")
    return int(text or 0)


# The two patterns of plan.DATE_FORMATS as written with two-digit fields, read without
# strptime (several times slower, and a file has half a dozen times a row); anything else
# (one-digit fields, other spacing, an Excel date) is left to strptime.
US_TIME = re.compile(r"(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d):(\d\d) ([AP])M")
DMY_TIME = re.compile(r"(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d):(\d\d)")
FAST_TIMES = {"%m/%d/%Y %I:%M:%S %p": US_TIME, "%d/%m/%Y %H:%M:%S": DMY_TIME}


def _fast_time(text: str, pattern: str) -> datetime | None:
    """`text` read as strptime reads it with `pattern`, or None to let strptime decide."""
    shape = FAST_TIMES.get(pattern)
    match = shape.fullmatch(text) if shape else None
    if match is None:
        return None
    first, second, year, hour, minute, sec = (int(part) for part in match.groups()[:6])
    if shape is US_TIME:
        if not 1 <= hour <= 12:
            return None
        month, day, hour = first, second, hour % 12 + (12 if match[7] == "P" else 0)
    else:
        day, month = first, second
    if hour > 23 or minute > 59 or sec > 59:
        return None
    try:
        return datetime(year, month, day, hour, minute, sec)
    except ValueError:
        return None  # no such day: strptime says so


def local_time(text: str, pattern: str, zone: ZoneInfo) -> datetime | None:
    """A file's local time (no zone in TikTok's files) as UTC; None for an empty cell."""
    if not text:
        return None
    local = _fast_time(text, pattern)
    try:
        local = local or datetime.strptime(text, pattern)
    except ValueError:
        local = _excel_time(text)
    if local is None:
        example = datetime(2026, 3, 1, 10).strftime(pattern)
        raise BadValue(f"{text[:30]!r} is not a date like {example}")
    return local.replace(tzinfo=zone).astimezone(UTC)


def _excel_time(text: str) -> datetime | None:
    """A date cell of an Excel file, read as `YYYY-MM-DD HH:MM:SS[.ffffff]` (shop time)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return None if value.tzinfo else value


def same_value(first: str, other: str, parse) -> bool:
    """Whether two writings of one cell say the same: equal text, or equal values as `parse`
    reads them (a cell that does not parse only equals the same text)."""
    if first.strip() == other.strip():
        return True
    if parse is None:
        return False
    try:
        return parse(first) == parse(other)
    except BadValue:
        return False
