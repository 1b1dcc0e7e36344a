from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from orders import views as order_views
from sellercenter import errors, health
from tiktok.views import tiktok_webhook
from tracking.views import carrier_webhook

admin.site.site_header = "Seller Center administration"
admin.site.site_title = "Seller Center admin"
admin.site.index_title = "Shops, staff and orders"

urlpatterns = [
    path("", order_views.overview, name="home"),
    path("accounts/tokens/", include("api.token_urls")),
    path("accounts/", include("accounts.urls")),
    path("orders/import/", include("imports.urls")),
    path("finance/import/", include("imports.finance_urls")),  # before any "finance/" include
    path("orders/", include("orders.urls")),
    path("exports/", include("exports.urls")),
    path("insights/", include("insights.urls")),
    path("finance/", include("finance.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("tiktok.urls")),
    path("webhooks/carriers/<str:provider>/", carrier_webhook, name="carrier_webhook"),
    path("webhooks/tiktok/", tiktok_webhook, name="tiktok_webhook"),
    path("webhooks/", include("webhooks.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (Django admin).
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

if settings.DEBUG:  # pragma: no cover - the error pages, viewable while developing
    urlpatterns += [
        path("__errors__/404/", errors.page_not_found, {"exception": None}),
        path("__errors__/500/", errors.server_error),
    ]
