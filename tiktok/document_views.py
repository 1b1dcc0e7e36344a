"""TikTok's shipping documents served by the portal (never a link to TikTok's URL): one
document of a package, fetched when it is not stored yet, and "fetch again"."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.access import MissingShopPermission, permission_required, user_has_shop_perm
from accounts.roles import Perm
from orders.links import order_url
from orders.models import Package
from orders.selectors import order_list_for_user
from tiktok.models import ShippingDocument
from tiktok.services.documents import documents_fetch


def _package(request, package_pk: int) -> Package:
    """The package: 404 outside the person's shops, 403 without the right to fulfil there."""
    package = (
        Package.objects.select_related("order__shop")
        .filter(pk=package_pk, order__in=order_list_for_user(user=request.user))
        .first()
    )
    if package is None:
        raise Http404("No such parcel among your shops' orders.")
    if not user_has_shop_perm(request.user, package.order.shop, Perm.CHANGE_ORDER_STATUS):
        raise MissingShopPermission(Perm.CHANGE_ORDER_STATUS)
    return package


@permission_required(Perm.CHANGE_ORDER_STATUS)
def document_view(request, package_pk: int, kind: str):
    """The PDF, inline (to print); fetched from TikTok first when it is not stored."""
    kinds = {value.lower(): value for value in ShippingDocument.Type.values}
    if kind not in kinds:
        raise Http404("No such document.")
    package = _package(request, package_pk)
    (result,) = documents_fetch(package=package, kinds=[kinds[kind]])
    document = result.document
    if not result.ok:
        label = document.get_document_type_display()
        messages.error(request, f"TikTok's {label.lower()} is not available: {document.problem}")
        return redirect(order_url("orders:detail", package.order))
    name = f"{kind.replace('_', '-')}-{package.order.order_id}.pdf"
    return FileResponse(document.file.open("rb"), content_type="application/pdf", filename=name)


@permission_required(Perm.CHANGE_ORDER_STATUS)
@require_POST
def document_refetch(request, package_pk: int):
    """Fetch the package's documents again from TikTok (a label TikTok has replaced)."""
    package = _package(request, package_pk)
    results = documents_fetch(package=package, force=True)
    problems = [r.document.problem for r in results if not r.ok]
    if problems:
        messages.error(request, f"Not everything came: {problems[0]}")
    else:
        messages.success(request, "TikTok's label and packing slip were fetched again.")
    return redirect(order_url("orders:detail", package.order))
