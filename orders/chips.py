"""The active filters in plain words ("Created last month · Status: In transit"), each with
the URL that removes it."""

from dataclasses import dataclass

from django.http import QueryDict

from orders.filters import DATE_FIELD_LABELS, NEEDS_ACTION, PERIODS, SORTS, OrderFilterSet
from orders.querystring import query_without
from orders.statuses import TIKTOK_COUNTRY, FulfillmentType, OrderStatus, TrackingStatus


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


LABELS = {
    "q": "Search",
    "sku": "SKU",
    "product": "Product",
    "category": "Category",
    "buyer": "Buyer",
    "payment_method": "Payment",
    "country": "Country",
    "state": "State",
    "city": "City",
    "postal_code": "Postal code",
    "carrier": "Carrier",
    "delivery_option": "Delivery option",
}
CHOICE_LABELS = {
    "status": ("Status", dict(OrderStatus.choices)),
    "tracking_status": ("Tracking", dict(TrackingStatus.choices)),
    "fulfillment_type": ("Fulfilment", dict(FulfillmentType.choices)),
    "needs_action": ("Needs action", NEEDS_ACTION),
}
FLAGS = {
    "has_refund": ("Has a refund", "No refund"),
    "has_return": ("Has a return", "No return"),
    "has_buyer_message": ("Has a buyer message", "No buyer message"),
    "risk": ("Risky", "Not risky"),
}


def filter_chips(filterset: OrderFilterSet, query: QueryDict) -> list[Chip]:
    """One chip per valid, active filter value, in the order of the form."""
    data = filterset.form.cleaned_data
    chips: list[Chip] = []
    shop_names = {s.slug: s.name for s in filterset.shops}
    if data.get("shop"):
        chips.append(Chip(f"Shop: {shop_names[data['shop']]}", query_without(query, "shop")))
    if data.get("import_job"):  # the orders one import created or changed
        job = data["import_job"]
        chips.append(Chip(f"Imported from {job.file_name}", query_without(query, "import_job")))
    for key, (label, names) in CHOICE_LABELS.items():
        for value in data.get(key) or []:
            chips.append(Chip(f"{label}: {names[value]}", query_without(query, key, value)))
    date_word = DATE_FIELD_LABELS[data.get("date_field") or "created"]
    if data.get("date_from") or data.get("date_to"):
        start, end = data.get("date_from"), data.get("date_to")
        span = (
            f"{start:%b %-d, %Y} – {end:%b %-d, %Y}"
            if start and end
            else f"from {start:%b %-d, %Y}"
            if start
            else f"until {end:%b %-d, %Y}"
        )
        remove = query_without(QueryDict(query_without(query, "date_from")[1:]), "date_to")
        chips.append(Chip(f"{date_word} {span}", remove))
    elif data.get("period"):
        chips.append(
            Chip(f"{date_word} {PERIODS[data['period']].lower()}", query_without(query, "period"))
        )
    for key, label in LABELS.items():
        value = data.get(key)
        for item in value if isinstance(value, list) else [value] if value else []:
            shown = TIKTOK_COUNTRY.get(item.upper(), item) if key == "country" else item
            chips.append(
                Chip(
                    f"{label}: {shown}",
                    query_without(query, key, item if isinstance(value, list) else None),
                )
            )
    for key, symbol in (("total_min", "≥"), ("total_max", "≤")):
        if data.get(key) is not None:
            chips.append(Chip(f"Total {symbol} {data[key]}", query_without(query, key)))
    for key, (yes, no) in FLAGS.items():
        if data.get(key):
            chips.append(Chip(yes if data[key] == "1" else no, query_without(query, key)))
    if data.get("sort") and data["sort"] != "-created":
        chips.append(Chip(f"Sorted: {SORTS[data['sort']].lower()}", query_without(query, "sort")))
    return chips
