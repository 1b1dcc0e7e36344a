"""What a search for several order ids found: "3 order ids searched, 2 found. Not found: …".

An id counts as found only among the orders the list covers (the scoping selector's, in the
shops on the page): an id of another shop reads "not found", exactly like an id nobody has,
so the note never tells that it exists elsewhere. An id of the user's that the other filters
leave out is named as such, so that nobody goes looking for an order that is there.
"""

from dataclasses import dataclass

from django.utils.translation import ngettext

from orders.filters import MAX_ORDER_IDS, OrderFilterSet, parse_order_ids

LISTED_IDS = 10  # ids named in a line; the rest are "and N more"


@dataclass(frozen=True)
class IdSearchNote:
    summary: str  # "3 order ids searched, 2 found."
    lines: list[str]  # "Not found: …", "Left out by the other filters: …"


def _named(ids: list[str]) -> str:
    shown = ", ".join(ids[:LISTED_IDS])
    rest = len(ids) - LISTED_IDS
    if rest <= 0:
        return shown
    return ngettext("%(ids)s and %(n)d more", "%(ids)s and %(n)d more", rest) % {
        "ids": shown,
        "n": rest,
    }


def id_search_note(filterset: OrderFilterSet) -> IdSearchNote | None:
    """The note for a search of two or more order ids, else None. Two queries."""
    text = filterset.form.cleaned_data.get("q") or ""
    typed = parse_order_ids(text)
    if typed is None:
        return None
    unique = list(dict.fromkeys(typed))
    searched = unique[:MAX_ORDER_IDS]
    if len(searched) < 2:
        return None
    listed = set(filterset.qs.filter(order_id__in=searched).values_list("order_id", flat=True))
    missing = [order_id for order_id in searched if order_id not in listed]
    in_scope = set()
    if missing:  # the list's own scope, before the filters: never another shop's orders
        in_scope = set(
            filterset.queryset.filter(order_id__in=missing).values_list("order_id", flat=True)
        )
    left_out = [order_id for order_id in missing if order_id in in_scope]
    not_found = [order_id for order_id in missing if order_id not in in_scope]
    summary = ngettext(
        "%(n)d order id searched, %(found)d found.",
        "%(n)d order ids searched, %(found)d found.",
        len(searched),
    ) % {"n": len(searched), "found": len(searched) - len(missing)}
    lines = []
    if not_found:
        lines.append(f"Not found: {_named(not_found)}.")
    if left_out:
        lines.append(f"Left out by the other filters: {_named(left_out)}.")
    if len(unique) > MAX_ORDER_IDS:
        lines.append(
            f"Only the first {MAX_ORDER_IDS} of the {len(unique)} ids were searched; "
            "search the others separately."
        )
    return IdSearchNote(summary, lines)
