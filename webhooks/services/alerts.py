"""Email to a shop's administrators when one of its webhook endpoints was switched off."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role


def shop_administrator_emails(shop) -> list[str]:
    return sorted(
        Membership.objects.filter(shop=shop, role=Role.ADMINISTRATOR, user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )


def endpoint_disabled_notify(endpoint) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("webhooks:detail", args=[endpoint.pk])
    recipients = shop_administrator_emails(endpoint.shop)
    if not recipients:
        return
    send_mail(
        f"A webhook endpoint of {endpoint.shop.name} was switched off",
        f"{endpoint.url}\n\n{endpoint.disabled_reason} Nothing more is sent to it until it is "
        f"switched on again; deliveries that failed are kept and can be sent again.\n\n"
        f"See its delivery log here (sign-in required): {link}",
        None,
        recipients,
    )
