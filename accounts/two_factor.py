"""Two-factor authentication with django-otp: a TOTP app plus single-use recovery codes."""

from base64 import b32encode

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditAction, User
from accounts.services import audit_record

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def user_has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up (one per user, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_setup_details(device: TOTPDevice) -> dict:
    """What the set-up page shows: a QR code to scan and the same key to type in."""
    key = b32encode(device.bin_key).decode()
    return {
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
        "manual_key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
    }


@transaction.atomic
def two_factor_enable(*, user: User, device: TOTPDevice, code: str, request=None) -> list | None:
    """Confirm the app with a code it shows; returns the new recovery codes, or None."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if device.confirmed or not _verify(device, code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _replace_recovery_codes(user)
    audit_record(action=AuditAction.TWO_FACTOR_ENABLED, actor=user, request=request)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request=None) -> list[str]:
    codes = _replace_recovery_codes(user)
    audit_record(action=AuditAction.RECOVERY_CODES_REGENERATED, actor=user, request=request)
    return codes


@transaction.atomic
def two_factor_disable(*, user: User, request=None) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(action=AuditAction.TWO_FACTOR_DISABLED, actor=user, request=request)


def two_factor_verify(*, user: User, code: str):
    """The device that accepts `code` (an app code or an unused recovery code), or None.

    Recovery codes are deleted when used, so each works once. Wrong codes count towards
    django-otp's throttling, which delays further attempts exponentially.
    """
    code = code.replace(" ", "").strip()
    for device in (
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ):
        if _verify(device, code):
            return device
    return None


def recovery_codes_unused(user: User) -> list[str]:
    """The user's recovery codes that still work, in the order they were made."""
    return list(
        StaticToken.objects.filter(device__user=user, device__confirmed=True)
        .order_by("pk")
        .values_list("token", flat=True)
    )


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _verify(device, code: str) -> bool:
    allowed, _ = device.verify_is_allowed()
    return bool(allowed) and device.verify_token(code)


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
