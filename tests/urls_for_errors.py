"""A URLconf for error-page tests: the real one plus views that fail on purpose."""

from django.http import HttpResponse
from django.urls import path

from accounts.access import permission_required
from accounts.roles import Perm
from sellercenter.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


@permission_required(Perm.EXPORT_ORDERS)
def needs_export(request):
    return HttpResponse("exported")


def explode(request):
    raise RuntimeError("boom")


urlpatterns = [
    *urlpatterns,
    path("test/needs-export/", needs_export),
    path("test/explode/", explode),
]
