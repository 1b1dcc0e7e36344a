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
