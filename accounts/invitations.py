"""Invitation emails: a person given a role in a shop hears of it by email, with a link to
choose a password while their account has none (Django's reset token)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from accounts.models import Membership, User
from accounts.services import password_set_link


def duration_words(seconds: int) -> str:
    """3 days, 1 hour, 90 seconds: how long a link stays valid, in words."""
    for size, one, many in (
        (86400, "%(count)d day", "%(count)d days"),
        (3600, "%(count)d hour", "%(count)d hours"),
        (60, "%(count)d minute", "%(count)d minutes"),
    ):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return ngettext(one, many, count) % {"count": count}
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


def invitation_send(*, membership: Membership, actor: User | None, base_url: str) -> None:
    """Email `membership`'s person their role and shop, and a set-password link if needed.

    Sent through EMAIL_BACKEND (the console unless EMAIL_URL names an SMTP server); a failing
    server raises (smtplib.SMTPException, OSError) for the caller to report.
    """
    user = membership.user
    base_url = base_url.rstrip("/")
    context = {
        "email": user.email,
        "shop": membership.shop.name,
        "role": membership.get_role_display(),
        "inviter": actor.get_full_name() if actor is not None and actor.pk else "",
        "set_password_link": (
            "" if user.has_usable_password() else password_set_link(user=user, base_url=base_url)
        ),
        "valid_for": duration_words(settings.PASSWORD_RESET_TIMEOUT),
        "sign_in_link": base_url + reverse("accounts:login"),
    }
    send_mail(
        subject=render_to_string("accounts/email/invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,  # DEFAULT_FROM_EMAIL
        recipient_list=[user.email],
    )
