"""Sign-in (with the optional second step), two-factor set-up, passwords and the shop switcher."""

import time

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import two_factor
from accounts.access import session_is_verified, shops_for_user
from accounts.forms import (
    EmailAuthenticationForm,
    PasswordConfirmForm,
    ShopSwitchForm,
    TwoFactorCodeForm,
)
from accounts.models import AuditAction, User
from accounts.services import audit_record, user_shop_prefer

PENDING_KEY = "pending_two_factor"
PENDING_SECONDS = 300  # the second step must follow the password within five minutes
CODES_SHOWN_KEY = "recovery_codes_shown"
CODES_DOWNLOAD_SECONDS = 900  # the codes just shown may be downloaded for fifteen minutes


class SignInView(auth_views.LoginView):
    """Email and password; users with two-factor continue to the code step."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.user_has_two_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "started": time.time(),
        }
        return redirect("accounts:login_verify")


def login_verify(request):
    """Second step of sign-in: a code from the app or a recovery code."""
    pending = request.session.get(PENDING_KEY)
    user = None
    if pending and time.time() - pending["started"] < PENDING_SECONDS:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, "Please sign in again.")
        return redirect("accounts:login")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.two_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            del request.session[PENDING_KEY]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            actor=user,
            request=request,
            payload={"step": "two_factor"},
        )
        form.add_error(
            "code",
            "That code is not valid, has expired or was already used. "
            "After several wrong codes, wait a minute before trying again.",
        )
    return render(request, "registration/login_verify.html", {"form": form})


@login_required
def two_factor_settings(request):
    """Set up two-factor (QR code, key, confirmation) or, once on, manage it."""
    user = request.user
    if two_factor.user_has_two_factor(user):
        return render(
            request,
            "accounts/two_factor_manage.html",
            {
                "codes_left": two_factor.recovery_codes_left(user),
                "disable_form": PasswordConfirmForm(user=user, prefix="disable"),
                "codes_form": PasswordConfirmForm(user=user, prefix="codes"),
            },
        )
    device = two_factor.totp_device_pending(user=user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.two_factor_enable(
            user=user, device=device, request=request, code=form.cleaned_data["code"]
        )
        if codes is not None:
            otp_login(request, device)
            messages.success(request, "Two-factor authentication is on.")
            return _codes_page(request, codes)
        form.add_error(
            "code",
            "That code does not match. Check the time on your phone and enter the newest code.",
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, **two_factor.totp_setup_details(device)},
    )


@login_required
@require_POST
def two_factor_disable(request):
    form = PasswordConfirmForm(request.POST, user=request.user, prefix="disable")
    if not form.is_valid():
        messages.error(request, "Two-factor is still on: " + form.errors["password"][0])
        return redirect("accounts:two_factor")
    two_factor.two_factor_disable(user=request.user, request=request)
    messages.success(request, "Two-factor authentication is off.")
    return redirect("accounts:two_factor")


@login_required
@require_POST
def recovery_codes_regenerate(request):
    form = PasswordConfirmForm(request.POST, user=request.user, prefix="codes")
    if not form.is_valid() or not two_factor.user_has_two_factor(request.user):
        messages.error(
            request,
            "Your recovery codes were not changed: "
            + form.errors.get("password", ["two-factor is off."])[0],
        )
        return redirect("accounts:two_factor")
    codes = two_factor.recovery_codes_regenerate(user=request.user, request=request)
    return _codes_page(request, codes)


@never_cache
def _codes_page(request, codes: list[str]):
    """The codes, once; this session may download them as a file for a few minutes."""
    request.session[CODES_SHOWN_KEY] = time.time()
    return render(request, "accounts/two_factor_codes.html", {"codes": codes})


@login_required
@never_cache
def recovery_codes_download(request):
    """The recovery codes just shown, as a .txt file: only in the session that made them, only
    shortly after, and only once it has passed two-factor."""
    shown = request.session.get(CODES_SHOWN_KEY)
    fresh = shown is not None and time.time() - shown < CODES_DOWNLOAD_SECONDS
    user = request.user
    if not fresh or not two_factor.user_has_two_factor(user) or not session_is_verified(user):
        messages.info(
            request,
            "Recovery codes can be downloaded only right after they are made. "
            "Make new ones to download them.",
        )
        return redirect("accounts:two_factor")
    lines = [
        f"Seller Center recovery codes for {user.email}",
        "Each code signs you in once when you cannot use your authenticator app.",
        "",
        *two_factor.recovery_codes_unused(user),
    ]
    return HttpResponse(
        "\n".join(lines) + "\n",
        content_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="seller-center-recovery-codes.txt"'},
    )


@login_required
@require_POST
def shop_switch(request):
    """Remember which shop pages show by default: one of mine, or all of them."""
    form = ShopSwitchForm(request.POST, shops=shops_for_user(request.user))
    if form.is_valid():
        user_shop_prefer(user=request.user, shop=form.cleaned_data["shop"])
    else:
        messages.error(request, "That shop is not one of yours.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            action=AuditAction.PASSWORD_CHANGED, actor=self.request.user, request=self.request
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Always answers the same way, so it never tells whether an email has an account."""

    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=AuditAction.PASSWORD_RESET, actor=form.user, request=self.request)
        return response
