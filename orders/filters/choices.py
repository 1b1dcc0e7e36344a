"""The order list filters' fixed choices and limits, in the words the filter bar shows."""

YES_NO = (("1", "Yes"), ("0", "No"))
DATE_FIELDS = {
    "created": "create_time",
    "paid": "paid_time",
    "shipped": "collection_time",
    "delivered": "delivery_time",
    "updated": "update_time",
}
DATE_FIELD_LABELS = {
    "created": "Created",
    "paid": "Paid",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "updated": "Updated",
}
SORTS = {
    "-created": "Newest first",
    "created": "Oldest first",
    "-paid": "Recently paid",
    "-total": "Highest total",
    "total": "Lowest total",
    "-updated": "Recently updated",
    "ship_by": "Ship-by deadline",
}
DEFAULT_SORT = "-created"
PER_PAGE = ("25", "50", "100", "200")
MAX_ORDER_IDS = 100
# Filters whose values are a list of those the shop's orders hold (orders/selectors/filter_values)
KNOWN_SET_FILTERS = ("payment_method", "country", "carrier", "delivery_option")
# Yes/no filters, in the order the filter bar and the chips show them.
FLAG_FILTERS = (
    "has_refund",
    "has_return",
    "refund_or_return",
    "shipped_late",
    "has_buyer_message",
    "risk",
    "request",
)
# `shipped_late=0` is not "everything else": only orders shipped with a deadline, on time.
SHIPPED_LATE_CHOICES = (("1", "Yes"), ("0", "No, shipped on time"))
# `request`: the buyers' cancellation and return requests TikTok told the portal of.
REQUEST_CHOICES = (
    ("any_open", "Waiting for the seller's answer"),
    ("cancellation", "Cancellation asked for"),
    ("return", "Return or refund asked for"),
)
