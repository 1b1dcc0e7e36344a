"""/finance/import/: Seller Center finance files (imports.finance_views)."""

from django.urls import path

from imports import finance_views

app_name = "finance_import"

urlpatterns = [
    path("", finance_views.finance_import, name="upload"),
    path("<int:pk>/", finance_views.finance_import_job, name="job"),
    path("<int:pk>/apply/", finance_views.finance_import_apply, name="apply"),
    path("<int:pk>/errors.csv", finance_views.finance_import_errors, name="errors"),
]
