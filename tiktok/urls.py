from django.urls import path

from tiktok import bulk_views, document_views, views

app_name = "tiktok"

urlpatterns = [
    path("tiktok/", views.connection_list, name="shops"),
    # TikTok sends the seller back here: register this URL as the app's redirect URL.
    path("tiktok/callback/", views.connection_callback_view, name="callback"),
    path("shops/<slug:shop>/tiktok/", views.connection_detail, name="connection"),
    path("shops/<slug:shop>/tiktok/connect/", views.connection_connect, name="connect"),
    path("shops/<slug:shop>/tiktok/choose/", views.connection_choose, name="choose"),
    path("shops/<slug:shop>/tiktok/sync/", views.connection_sync, name="sync"),
    path(
        "shops/<slug:shop>/tiktok/disconnect/", views.connection_disconnect_view, name="disconnect"
    ),
    # TikTok's shipping documents and the bulk actions' results
    path(
        "tiktok/documents/<int:package_pk>/refetch/",
        document_views.document_refetch,
        name="document_refetch",
    ),
    path(
        "tiktok/documents/<int:package_pk>/<slug:kind>/",
        document_views.document_view,
        name="document",
    ),
    path("tiktok/bulk/<slug:token>/", bulk_views.bulk_results, name="bulk_results"),
    path("tiktok/bulk/<slug:token>/labels.pdf", bulk_views.bulk_labels_pdf, name="bulk_labels"),
]
