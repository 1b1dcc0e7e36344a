"""Email to a shop's administrators when one of its webhook endpoints was switched off."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from accounts.selectors import shop_administrator_emails


def endpoint_disabled_notify(endpoint) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("webhooks:detail", args=[endpoint.pk])
    subject = f"A webhook endpoint of {endpoint.shop.name} was switched off"
    message = (
        f"{endpoint.url}\n\n{endpoint.disabled_reason} Nothing more is sent to it until it is "
        f"switched on again; deliveries that failed are kept and can be sent again.\n\n"
        f"See its delivery log here (sign-in required): {link}"
    )
    for email in shop_administrator_emails(shop=endpoint.shop):
        # one each: administrators' addresses are not shown to one another
        send_mail(subject, message, None, [email])
