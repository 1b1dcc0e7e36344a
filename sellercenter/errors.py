"""Error pages in our layout. The 403 page names the permission that is missing."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from accounts.access import MissingShopPermission


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    missing = exception.perm.label if isinstance(exception, MissingShopPermission) else None
    return render(request, "403.html", {"missing_permission": missing}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request: the database or a context processor may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
