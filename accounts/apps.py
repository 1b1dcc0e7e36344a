from django.apps import AppConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpConfig


class AccountsConfig(AppConfig):
    default = True  # this module holds the two-factor apps' configs too
    name = "accounts"
    verbose_name = "Accounts and shops"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401 - connects the audit receivers


class RecoveryCodesConfig(StaticConfig):
    """django-otp's static tokens are what the portal calls recovery codes."""

    default = False
    verbose_name = "Two-factor: recovery codes"


class AuthenticatorAppsConfig(TotpConfig):
    """django-otp's TOTP devices are the authenticator apps people set up."""

    default = False
    verbose_name = "Two-factor: authenticator apps"
