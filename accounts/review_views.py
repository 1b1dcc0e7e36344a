"""The access review page: shop administrators review their shops' members."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.access import permission_required, shops_for_user
from accounts.csvsafe import csv_write
from accounts.roles import Perm
from accounts.selectors import ACCESS_REVIEW_CSV_HEADER, access_review_rows, access_review_summary


@permission_required(Perm.MANAGE_STAFF)
def access_review(request):
    """Members of the shops I manage: role, last login, 2FA and activity; `?format=csv` too."""
    shops = shops_for_user(request.user, Perm.MANAGE_STAFF)
    selected = None
    if slug := request.GET.get("shop"):
        selected = get_object_or_404(shops, slug=slug)  # another shop's slug: 404, not 403
    rows = access_review_rows(shops=[selected] if selected else shops)

    if request.GET.get("format") == "csv":
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        name = f"access-review-{selected.slug if selected else 'all-shops'}-{stamp}.csv"
        response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
        csv_write(response, header=ACCESS_REVIEW_CSV_HEADER, rows=(r.csv_cells() for r in rows))
        return response

    return render(
        request,
        "accounts/access_review.html",
        {
            "rows": rows,
            "summary": access_review_summary(rows=rows),
            "shops": list(shops),
            "selected_shop": selected,
        },
    )
