from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("new/", views.endpoint_new, name="new"),
    path("<int:pk>/", views.endpoint_detail, name="detail"),
    path("<int:pk>/rotate/", views.endpoint_rotate, name="rotate"),
    path("<int:pk>/toggle/", views.endpoint_toggle, name="toggle"),
    path("<int:pk>/delete/", views.endpoint_remove, name="delete"),
    path("<int:pk>/test/", views.endpoint_test, name="test"),
    path("deliveries/<int:pk>/resend/", views.delivery_send_again, name="resend"),
]
