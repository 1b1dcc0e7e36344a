"""What the breakdown tables share: a bar's length, a share in words, a comparison's cells."""

from decimal import Decimal

from insights.figures import change, shown


def bar(value, top) -> str:
    """A `<meter>` value from 0 to 1: `value` against the table's largest (none below 0)."""
    if not top or top <= 0 or value <= 0:
        return "0"
    return f"{Decimal(value) / Decimal(top):.4f}"


def share(part: int, whole: int) -> str:
    """`part` in % of `whole`, whole percents ("63%"; "under 1%" rather than "0%")."""
    if not whole:
        return "—"
    if 0 < part < whole / 100:
        return "under 1%"
    return f"{part / whole:.0%}"


def compared(now, base, kind: str, currency: str, base_url: str | None) -> dict:
    """A row's comparison cells: the comparison's value, its link and the change."""
    return {
        "base": shown(base, kind, currency),
        "base_url": base_url,
        "change": change(now, base, kind),
    }
