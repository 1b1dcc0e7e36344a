"""The endpoints and deliveries a person may manage: those of shops where they manage webhooks."""

from django.db.models import Prefetch, QuerySet

from accounts.access import shops_for_user
from accounts.roles import Perm
from webhooks.models import Attempt, Delivery, Endpoint

LOG_ROWS = 50


def endpoints_for_user(*, user) -> QuerySet[Endpoint]:
    """Another shop's endpoint is not among them, so it is a 404."""
    return Endpoint.objects.filter(
        shop__in=shops_for_user(user, Perm.MANAGE_WEBHOOKS)
    ).select_related("shop")


def deliveries_for_user(*, user) -> QuerySet[Delivery]:
    return Delivery.objects.filter(endpoint__in=endpoints_for_user(user=user)).select_related(
        "endpoint"
    )


def endpoint_log(*, endpoint: Endpoint) -> list[Delivery]:
    """The endpoint's latest deliveries, each with its attempts, newest first."""
    return list(
        endpoint.deliveries.prefetch_related(
            Prefetch("attempt_rows", queryset=Attempt.objects.order_by("-number"))
        )[:LOG_ROWS]
    )
