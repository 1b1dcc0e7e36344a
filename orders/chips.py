"""The active filters in plain words ("Created last month · Status: In transit"), each with
the URL that removes it. Every chip names its filter by the FilterSet's label, as the filter
bar does."""

from dataclasses import dataclass

from django.http import QueryDict

from orders.filters import DATE_FIELD_LABELS, DEFAULT_SORT, OrderFilterSet, filter_label
from orders.periods import PERIODS
from orders.querystring import query_without
from orders.statuses import TIKTOK_COUNTRY

# Told by another chip (the dates), or the page's position and size rather than a filter.
NOT_CHIPS = ("date_field", "date_from", "date_to", "per_page", "page", "cursor")


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


def _date_chip(data, query: QueryDict) -> Chip | None:
    """'Created last month', 'Paid Mar 1, 2026 – Mar 31, 2026': the date filter in words."""
    date_word = DATE_FIELD_LABELS[data.get("date_field") or "created"]
    start, end = data.get("date_from"), data.get("date_to")
    if start or end:
        span = (
            f"{start:%b %-d, %Y} – {end:%b %-d, %Y}"
            if start and end
            else f"from {start:%b %-d, %Y}"
            if start
            else f"until {end:%b %-d, %Y}"
        )
        remove = query_without(QueryDict(query_without(query, "date_from")[1:]), "date_to")
        return Chip(f"{date_word} {span}", remove)
    if data.get("period"):
        return Chip(
            f"{date_word} {PERIODS[data['period']].lower()}", query_without(query, "period")
        )
    return None


def _value_words(filterset: OrderFilterSet, name: str, value) -> str:
    """A filter value as the filter bar names it: a choice's words, a country's name."""
    choices = filterset.filters[name].extra.get("choices")
    if choices:
        return str(dict(choices).get(value, value))
    if name == "country":
        return TIKTOK_COUNTRY.get(value.upper(), value)
    return str(value)


def filter_chips(filterset: OrderFilterSet, query: QueryDict) -> list[Chip]:
    """One chip per valid, active filter value, in the order of the FilterSet."""
    data = filterset.form.cleaned_data
    chips: list[Chip] = []
    for name in filterset.filters:
        value = data.get(name)
        if name == "period":
            chip = _date_chip(data, query)
            chips.extend([chip] if chip else [])
        elif (
            name in NOT_CHIPS or value in (None, "", []) or (name, value) == ("sort", DEFAULT_SORT)
        ):
            continue
        elif name == "import_job":  # the orders one import created or changed
            chips.append(Chip(f"Imported from {value.file_name}", query_without(query, name)))
        elif isinstance(value, list):
            for item in value:
                words = _value_words(filterset, name, item)
                chips.append(
                    Chip(f"{filter_label(name)}: {words}", query_without(query, name, item))
                )
        else:
            words = _value_words(filterset, name, value)
            chips.append(Chip(f"{filter_label(name)}: {words}", query_without(query, name)))
    return chips
