from django.urls import path, re_path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("counts/", views.order_counts, name="counts"),
    path("bulk/", views.bulk_action, name="bulk"),
    re_path(r"^(?P<order_id>\d{18,19})/$", views.order_detail, name="detail"),
    re_path(r"^(?P<order_id>\d{18,19})/notes/$", views.order_note_add, name="note_add"),
    re_path(r"^(?P<order_id>\d{18,19})/status/$", views.order_status_update, name="status"),
    re_path(r"^(?P<order_id>\d{18,19})/tracking/$", views.order_tracking_add, name="tracking"),
    re_path(r"^(?P<order_id>\d{18,19})/arrange/$", views.order_shipment_arrange, name="arrange"),
    re_path(r"^(?P<order_id>\d{18,19})/cancel/$", views.order_cancel, name="cancel"),
    re_path(r"^(?P<order_id>\d{18,19})/refunds/$", views.refund_create, name="refund_create"),
    re_path(r"^(?P<order_id>\d{18,19})/messages/$", views.message_send, name="message_send"),
    re_path(r"^(?P<order_id>\d{18,19})/packing-slip/$", views.packing_slip, name="packing_slip"),
    re_path(
        r"^(?P<order_id>\d{18,19})/refunds/(?P<refund_id>\d+)/$",
        views.refund_decide,
        name="refund_decide",
    ),
    re_path(
        r"^(?P<order_id>\d{18,19})/requests/(?P<request_pk>\d+)/$",
        views.buyer_request_answer_view,
        name="request_answer",
    ),
    path("views/", views.saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/", views.saved_view_change, name="saved_view_change"),
]
