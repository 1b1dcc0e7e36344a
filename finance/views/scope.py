"""What the finance views share: the shops a request covers (`?shop=`, else those in view)."""

from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.access import user_has_perm_anywhere
from accounts.roles import Perm
from finance.selectors.scope import finance_shops
from orders.exceptions import ForeignShop
from orders.periods import add_months


def request_shops(request, slug: str = "") -> list:
    """The request's shops; a shop that is not the person's is a 404, like an order of it."""
    try:
        return finance_shops(user=request.user, slug=slug)
    except ForeignShop:
        raise Http404("No such shop.") from None


# The schedule form preselected for a monthly settlement report (exports' "settlement").
SCHEDULE_MONTHLY = {
    "template": "settlement",
    "frequency": "monthly",
    "name": "Monthly settlement report",
}


def finance_nav(request, here: str) -> dict:
    """The finance tabs: which one is this page, and last month's summary; whether the person
    may export (the settlement report is an export)."""
    first = add_months(timezone.now().date().replace(day=1), -1)
    return {
        "here": here,
        "can_export": user_has_perm_anywhere(request.user, Perm.EXPORT_ORDERS),
        "schedule_url": reverse("exports:schedule_create") + "?" + urlencode(SCHEDULE_MONTHLY),
        "last_month_url": reverse("finance:month", args=[first.year, first.month]),
        "last_month_label": f"Last month ({first:%B %Y})",
        "last_month_value": f"{first:%Y-%m}",
    }


def query_without_page(request) -> str:
    """The page's query string less `page`, for the links to other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
