from django.urls import path, re_path

from api.views import docs, exports, insights, orders, problems, shops

app_name = "api"

urlpatterns = [
    path("shops/", shops.ShopList.as_view(), name="shops"),
    path("orders/", orders.OrderList.as_view(), name="orders"),
    path("orders/<str:order_id>/", orders.OrderDetail.as_view(), name="order"),
    path("exports/", exports.ExportList.as_view(), name="exports"),
    path("exports/<int:pk>/", exports.ExportDetail.as_view(), name="export"),
    path("exports/<int:pk>/download/", exports.ExportDownload.as_view(), name="export_download"),
    path("insights/", insights.InsightFigures.as_view(), name="insights"),
    path("schema/", docs.Schema.as_view(), name="schema"),
    path("docs/", docs.Docs.as_view(), name="docs"),
    re_path(r"^(?P<rest>.*)$", problems.NoSuchEndpoint.as_view(), name="not_found"),
]
