from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("", views.insights, name="page"),
    path("<slug:name>.csv", views.section_csv, name="csv"),
]
