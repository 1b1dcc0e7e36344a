from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import review_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_settings, name="two_factor"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path(
        "two-factor/recovery-codes/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path(
        "two-factor/recovery-codes.txt",
        views.recovery_codes_download,
        name="recovery_codes_download",
    ),
    path("shop/", views.shop_switch, name="shop_switch"),
    path("access-review/", review_views.access_review, name="access_review"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
