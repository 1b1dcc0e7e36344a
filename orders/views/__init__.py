"""Order pages. Views translate HTTP only: access, input, one selector or service, render."""

from orders.views.buyer_requests import buyer_request_answer_view
from orders.views.order_detail import (
    message_send,
    order_cancel,
    order_detail,
    order_note_add,
    order_shipment_arrange,
    order_status_update,
    order_tracking_add,
    packing_slip,
    refund_create,
    refund_decide,
)
from orders.views.order_list import (
    bulk_action,
    order_counts,
    order_list,
    overview,
    saved_view_change,
    saved_view_create,
)

__all__ = [
    "bulk_action",
    "buyer_request_answer_view",
    "message_send",
    "order_cancel",
    "order_counts",
    "order_detail",
    "order_list",
    "order_note_add",
    "order_shipment_arrange",
    "order_status_update",
    "order_tracking_add",
    "overview",
    "packing_slip",
    "refund_create",
    "refund_decide",
    "saved_view_change",
    "saved_view_create",
]
