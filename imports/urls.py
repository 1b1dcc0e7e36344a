from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.order_import, name="upload"),
    path("<int:pk>/", views.order_import_job, name="job"),
    path("<int:pk>/apply/", views.order_import_apply, name="apply"),
    path("<int:pk>/errors.csv", views.order_import_errors, name="errors"),
]
