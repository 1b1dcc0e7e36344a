"""Read-your-writes for the replica (docs/scaling.md "Read replicas").

The views named in `REPLICA_READ_VIEWS` read their order data from the replica, unless the
person changed something in the last `REPLICA_STICKY_SECONDS`: any request that is not a
GET, HEAD or OPTIONS from a signed-in person sets a short-lived cookie, and while the browser
sends it every read is the primary's. A seller who refunds and is sent back to the order list
sees the refund, however far behind the replica is. The cookie only ever sends reads to the
primary, so a forged one costs nothing but the replica's help. A replica that cannot be
reached sends the views to the primary for a while (`orders.replica.replica_available`).
"""

from contextlib import ExitStack

from django.conf import settings

from orders.replica import replica_available, replica_reads

STICKY_COOKIE = "sc_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = ExitStack()
        request.replica_scope = scope
        try:
            response = self.get_response(request)
        finally:
            scope.close()
        if settings.REPLICA_ALIAS and request.method not in SAFE_METHODS and _signed_in(request):
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            settings.REPLICA_ALIAS
            and request.method in ("GET", "HEAD")
            and request.resolver_match.view_name in settings.REPLICA_READ_VIEWS
            and STICKY_COOKIE not in request.COOKIES
            and replica_available()
        ):
            request.replica_scope.enter_context(replica_reads())


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)
