"""Order pages. Views translate HTTP only: access, input, one selector or service, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import order_overview_for_user


@login_required
def overview(request):
    """Home: each of my shops with my role, its orders per status and what must ship."""
    return render(
        request, "orders/overview.html", {"shops": order_overview_for_user(user=request.user)}
    )
