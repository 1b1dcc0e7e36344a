"""The reason keys and texts the simulated TikTok offers and accepts (en-US): the seller's
reasons for cancelling an order, by the order's status, and the reasons for rejecting a
buyer's request, by what the request asks of the seller.

The seller's cancel keys and the cancellation reject keys are TikTok's (its cancel-reasons
page); their texts, and the keys for rejecting a returned item, are UNCONFIRMED: written in
TikTok's manner (docs/decisions.md).
"""

_UNPAID = {
    "seller_cancel_unpaid_reason_out_of_stock": "Out of stock",
    "seller_cancel_unpaid_reason_wrong_price": "Pricing error",
    "seller_cancel_unpaid_reason_buyer_hasnt_paid_within_time_allowed": (
        "Buyer hasn't paid within time allowed"
    ),
    "seller_cancel_unpaid_reason_buyer_requested_cancellation": "Buyer requested cancellation",
}
_PAID = {
    "seller_cancel_reason_out_of_stock": "Out of stock",
    "seller_cancel_reason_wrong_price": "Pricing error",
    "seller_cancel_paid_reason_address_not_deliver": "Unable to deliver to buyer address",
    "seller_cancel_paid_reason_buyer_requested_cancellation": "Buyer requested cancellation",
}
# The statuses in which the seller may cancel; from awaiting collection on the order has
# shipped (or is over) and Cancel Order is refused.
SELLER_CANCEL_REASONS = {
    "UNPAID": _UNPAID,
    "ON_HOLD": _PAID,
    "AWAITING_SHIPMENT": _PAID,
}
CANCEL_REJECT_REASONS = {
    "order_manage_list_action_respond_popup_reject_reason_invalid_cancellation_reason": (
        "The cancellation reason is invalid"
    ),
    "order_manage_list_action_respond_popup_reject_reason_delivered": (
        "The package has been shipped and is on its way"
    ),
    "order_manage_list_action_respond_popup_reject_reason_buyer_agree": (
        "The buyer agreed to keep the order"
    ),
    "seller_reject_apply_product_has_been_packed": "The product has been packed",
}
RETURN_REJECT_REASONS = {
    "seller_reject_apply_you_have_reached_an_agreement_with_the_buyer": (
        "You have reached an agreement with the buyer"
    ),
    "seller_reject_apply_item_is_correct": "The item received is correct",
    "seller_reject_apply_product_functions_well": "The product functions well",
    "seller_reject_apply_package_has_not_exceeded_estimated_delivery_time": (
        "The package has not exceeded the estimated delivery time"
    ),
}
RECEIVED_REJECT_REASONS = {
    "seller_reject_receive_returned_item_damaged": "The returned item is damaged",
    "seller_reject_receive_wrong_item_returned": "The wrong item was returned",
    "seller_reject_receive_package_empty": "The returned package is empty",
    "seller_reject_apply_you_have_reached_an_agreement_with_the_buyer": (
        "You have reached an agreement with the buyer"
    ),
}
