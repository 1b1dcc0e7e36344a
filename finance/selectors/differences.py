"""The reconciliation differences as a work list: the shops' differences by status and kind,
newest first, with what they concern (statement, transaction, order) read in the same query."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet

from accounts.models import Shop
from finance.models import Difference, DifferenceStatus

DIFFERENCES_PER_PAGE = 50


def differences_of(*, shops: list[Shop]) -> QuerySet[Difference]:
    """The differences a page may name: another shop's is not among them (a 404)."""
    return Difference.objects.filter(shop__in=shops).select_related(
        "shop", "statement", "transaction", "order", "order__shop", "explained_by"
    )


def difference_page(*, shops: list[Shop], status: str = "", kind: str = "", page: int = 1) -> Page:
    differences = differences_of(shops=shops)
    if status:
        differences = differences.filter(status=status)
    if kind:
        differences = differences.filter(kind=kind)
    ordered = differences.order_by("-found_at", "-pk")
    return Paginator(ordered, DIFFERENCES_PER_PAGE).get_page(page)


def difference_counts(*, shops: list[Shop]) -> dict[str, int]:
    """How many differences each status has, for the tabs (every status present, 0 if none)."""
    counts = dict(
        Difference.objects.filter(shop__in=shops)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {status: counts.get(status, 0) for status in DifferenceStatus.values}
