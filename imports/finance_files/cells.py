"""A finance file's cells as values: amounts, days and times, TikTok ids. Each refusal is a
FinanceRefused with the sentence a person reads next to the row (docs/finance-files.md).

Amounts: a currency symbol or code around the number ("$1,234.50", "RM 12.00", "1.234,50 ₫")
is dropped; "(12.00)" and a trailing minus are negative. Of "," and ".", the one written last is
the decimal mark when both appear ("1.234,50" is 1234.50, "1,234.50" is 1234.50); alone, a mark
followed by groups of exactly three digits is a thousands mark ("1,234", "150.000" and
"1.234.567" are whole numbers), otherwise the decimal mark ("12,5" is 12.50).
"""

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from finance.values import FinanceRefused, signed_amount

NUMBER = re.compile(r"^\d{1,3}(?:([.,])\d{3})*(?:([.,])\d+)?$|^\d+(?:([.,])\d+)?$")
THOUSANDS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
NOT_NUMBER = re.compile(r"[^\d.,]")
TIKTOK_ID = re.compile(r"^\d{1,32}$")
# Year first only: 03/04/2026 could be either day first or month first, and nothing is guessed.
DAY_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%Y%m%d")
TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M")


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip(" \t\r\n\u00a0")


def amount(value, column: str) -> Decimal:
    """A signed amount of whole cents; an empty cell is 0."""
    if isinstance(value, bool):
        raise FinanceRefused(f"{value!r} is not an amount")
    if isinstance(value, int):
        return signed_amount(value, column)
    if isinstance(value, float):
        return signed_amount(Decimal(repr(value)).quantize(Decimal("0.000001")).normalize(), column)
    raw = text(value)
    if not raw or raw in ("-", "--"):
        return signed_amount("", column)
    negative = raw.startswith("(") and raw.endswith(")")
    body = raw.strip("()").replace(" ", "").replace("\u00a0", "")
    if body.endswith("-"):
        negative, body = True, body[:-1]
    if body.startswith(("-", "−")):
        negative, body = not negative, body[1:]
    body = NOT_NUMBER.sub("", body) if re.search(r"\d", body) else body
    number = _plain(body)
    if number is None:
        raise FinanceRefused(f"{raw[:24]!r} is not an amount")
    return signed_amount(f"-{number}" if negative else number, column)


def _plain(body: str) -> str | None:
    """A number written with marks, as a plain decimal string; None when it is not one."""
    if not body or not NUMBER.match(body):
        return None
    if "," in body and "." in body:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return body.replace(thousands, "").replace(decimal, ".")
    if THOUSANDS.match(body):  # "1,234", "150.000" (as SEA files write it), "1.234.567"
        return body.replace(",", "").replace(".", "")
    return body.replace(",", ".")


def tiktok_id(value, column: str, *, required: bool = False) -> str:
    raw = text(value)
    if not raw:
        if required:
            raise FinanceRefused("is empty")
        return ""
    if raw.startswith("'"):
        raw = raw[1:]  # a spreadsheet's "keep as text" quote
    if not TIKTOK_ID.match(raw):
        raise FinanceRefused(f"{raw[:24]!r} is not a TikTok id")
    return raw


def day(value, column: str) -> date:
    """A day: a date cell, "2026/06/12", "2026-06-12", 20260612 (a number or text), or a time
    whose day is taken."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        raise FinanceRefused("is empty")
    for pattern in (*DAY_FORMATS, *TIME_FORMATS):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise FinanceRefused(f"{raw[:24]!r} is not a date (like 2026/06/12 or 20260612)")


def moment(value, column: str, zone) -> datetime | None:
    """A time in the shop's zone as UTC; a bare day is its midnight; empty is none."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        stamp = value
    else:
        raw = text(value)
        stamp = None
        for pattern in TIME_FORMATS:
            try:
                stamp = datetime.strptime(raw, pattern)
                break
            except ValueError:
                continue
        if stamp is None:
            stamp = datetime.combine(day(value, column), time(0))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=zone)
    return stamp.astimezone(UTC)


def quantity(value, column: str) -> int:
    raw = text(value)
    if not raw:
        return 0
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value() or number < 0:
        raise FinanceRefused(f"{raw[:16]!r} is not a whole number of items")
    return int(number)


def type_code(words: str) -> str:
    """TikTok's type as the API spells it: "Order" → ORDER, "Platform reimbursement" →
    PLATFORM_REIMBURSEMENT."""
    return re.sub(r"[^A-Z0-9]+", "_", words.upper()).strip("_")[:48]
