"""Domain errors of the orders app; views turn them into form errors or messages."""

from orders.statuses import OrderStatus, status_label


class OrderError(Exception):
    """Base of every order domain error."""


class UnknownStatus(OrderError):
    def __init__(self, status: str):
        self.status = status
        super().__init__(f"Unknown order status {status!r}.")


class IllegalTransition(OrderError):
    def __init__(self, current: str, requested: str, why: str = ""):
        self.current, self.requested = current, requested
        before, after = status_label(OrderStatus, current), status_label(OrderStatus, requested)
        super().__init__(f"An order cannot move from {before} to {after}. {why}".strip())


class TrackingNumberNeeded(OrderError):
    def __init__(self):
        super().__init__(
            "Add the parcel's tracking number first: that is how an order is marked shipped."
        )


class FulfilmentRefused(OrderError):
    """A status change or tracking number a person may not make; the message says why."""


class RefundRefused(OrderError):
    """A refund that is not allowed or not valid; the message says why."""


class RequestAnswerRefused(RefundRefused):
    """An answer to a buyer's request (a refund decision of the marketplace's) that was not
    given; the message says why, to the person."""


class NoteRefused(OrderError):
    """A note the person may not add."""


class MessageRefused(OrderError):
    """A message to the buyer that cannot be sent; the message says why."""


class SavedViewError(OrderError):
    """A saved-view action that is not allowed or not valid; the message says why."""


class SelectionRefused(OrderError):
    """An "all matching" selection whose filters the order list refuses; says why."""


class ForeignShop(Exception):
    """The `shop` parameter names a shop the user does not belong to (404)."""


class AmbiguousOrder(Exception):
    """The order id is in several of the user's shops and no shop was named."""

    def __init__(self, orders: list):
        super().__init__(f"order {orders[0].order_id} is in {len(orders)} of your shops")
        self.orders = orders
