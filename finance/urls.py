from django.urls import path

from finance.views import differences, statements

app_name = "finance"

urlpatterns = [
    path("", statements.statement_list, name="statements"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement"),
    path("months/<int:year>/<int:month>/", statements.month_summary, name="month"),
    path("differences/", differences.difference_list, name="differences"),
    path(
        "differences/<int:pk>/explain/",
        differences.difference_explain_view,
        name="difference_explain",
    ),
    path(
        "differences/<int:pk>/reopen/",
        differences.difference_reopen_view,
        name="difference_reopen",
    ),
]
