"""TikTok's values as ours: text trimmed to our column, Unix seconds, decimal strings, known
choices. What cannot be read as TikTok documents it refuses the order (OrderRefused)."""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from orders.order_values import OrderRefused

# A Unix time in seconds lies between these (2001 and 5138): smaller is a duration, larger
# milliseconds; both are refused, never guessed.
UNIX_SECONDS_MIN, UNIX_SECONDS_MAX = 1_000_000_000, 100_000_000_000
CENT, ZERO, TOO_LARGE = Decimal("0.01"), Decimal("0.00"), Decimal("1e12")


def tiktok_text(value, length: int) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | str):
        return str(value).strip()[:length]
    raise ValueError(f"{type(value).__name__}, not text")


def unix_time(value, name: str) -> datetime | None:
    """A Unix time in seconds; 0 or absent is none (TikTok sends 0 for "not yet")."""
    if value in (None, "", 0, "0"):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise OrderRefused(f"`{name}` is not a Unix time")
    if not UNIX_SECONDS_MIN <= value < UNIX_SECONDS_MAX:
        unit = "milliseconds" if value >= UNIX_SECONDS_MAX else "not a time"
        raise OrderRefused(f"`{name}` is {value}: {unit}, not Unix seconds")
    return datetime.fromtimestamp(value, UTC)


def amount(value, name: str, *, required: bool = True) -> Decimal:
    """A non-negative decimal string of at most 2 places ("35.97"); a Decimal is a file's
    cell already read as one."""
    if type(value) is Decimal:
        number = value
    elif value in (None, ""):
        if required:
            raise OrderRefused(f"`{name}` is missing")
        return ZERO
    elif isinstance(value, bool) or not isinstance(value, (str, int)):
        raise OrderRefused(f"`{name}` is not a decimal string")
    else:
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise OrderRefused(f"`{name}` is {str(value)[:20]!r}, not an amount") from None
    if not number.is_finite() or number < 0 or number != (cents := number.quantize(CENT)):
        raise OrderRefused(f"`{name}` is {value!r}, not an amount we keep")
    if number >= TOO_LARGE:
        raise OrderRefused(f"`{name}` is {value!r}, too large")
    return cents


@cache
def codes(choices) -> tuple[str, ...]:
    """The codes of a Django choices class, in order; Django builds `.values` anew on every
    read, which reading thousands of orders would pay each time."""
    return tuple(choices.values)


def tiktok_choice(value, choices, default=""):
    return value if value in codes(choices) else default
