from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("new/", views.export_new, name="new"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/download/", views.export_download, name="download"),
    path("<int:pk>/cancel/", views.export_cancel, name="cancel"),
    path("<int:pk>/retry/", views.export_retry, name="retry"),
    path("reports/new/", views.report_edit, name="report_create"),
    path("reports/<int:pk>/", views.report_edit, name="report_change"),
    path("reports/<int:pk>/delete/", views.report_delete, name="report_delete"),
    path("schedules/new/", views.schedule_create, name="schedule_create"),
    path("schedules/<int:pk>/delete/", views.schedule_delete, name="schedule_delete"),
]
