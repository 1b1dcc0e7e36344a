"""What the accounts tests share: an authenticator app's current code, the accounts changelists,
a shop form posted with membership inline rows."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_for(device: TOTPDevice, *, step_offset: int = 0) -> str:
    """The code an authenticator app shows right now for this device."""
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits)
    clock.time = int(time.time()) + step_offset * device.step
    return f"{clock.token():0{device.digits}d}"


def inline_post(shop, rows):
    data = {
        "name": shop.name,
        "slug": shop.slug,
        "market": shop.market,
        "currency": shop.currency,
        "timezone": shop.timezone,
        "refund_limit": "50.00",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"memberships-{i}-{key}": value for key, value in row.items()})
    return data


CHANGELISTS = [
    "/admin/accounts/shop/",
    "/admin/accounts/user/",
    "/admin/accounts/membership/",
    "/admin/accounts/shopuserobjectpermission/",
    "/admin/accounts/auditevent/",
]
