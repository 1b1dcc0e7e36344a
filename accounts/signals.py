"""Audit sign-ins, failed sign-ins, sign-outs and lockouts."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import AuditAction, User
from accounts.services import audit_record


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, request=request)
    # A sign-in is activity: the access review never shows last activity before last sign-in
    # (ActivityMiddleware writes at most every few minutes, so it may skip this request).
    now = user.last_login or timezone.now()
    User.objects.filter(pk=user.pk).update(last_activity_at=now)
    user.last_activity_at = now


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor_email=str(credentials.get("username", ""))[:254],
        request=request,
    )


@receiver(user_locked_out)
def _audit_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        action=AuditAction.LOCKED_OUT,
        actor_email=str(username or "")[:254],
        request=request,
        payload={"ip_address": ip_address},
    )
