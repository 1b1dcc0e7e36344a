"""Forms of the Django admin for shops."""

from django import forms
from django.conf import settings

from accounts.access import session_is_verified
from accounts.models import Shop
from accounts.tracking_providers import configured_providers


def tracking_provider_choices(current: str) -> list[tuple[str, str]]:
    """The deployment's default, the providers it can call, and `current` even if it cannot."""
    configured = configured_providers()
    choices = []
    for code, label in Shop._meta.get_field("tracking_provider").choices:
        if not code or code in configured:
            choices.append((code, label))
        elif code == current:  # offered as stored, so saving the page does not change it
            choices.append((code, f"{label} (not configured here)"))
    return choices


def tracking_provider_help() -> str:
    """The provider field's help text, naming this deployment's default in words (F6)."""
    labels = dict(Shop._meta.get_field("tracking_provider").choices)
    default = settings.TRACKING_DEFAULT_PROVIDER
    if not default:
        named = "This deployment has no default service: new parcels are recorded, not followed"
    elif default not in configured_providers():
        named = (
            f"This deployment's default is {labels.get(default, default)}, which is not "
            "configured here: new parcels are recorded, not followed"
        )
    else:
        named = f"This deployment's default is {labels.get(default, default)}"
    return (
        f"The tracking service that follows this shop's new parcels. {named}, unless a "
        "service is chosen here; a service whose key is not set is not offered."
    )


REQUIRE_TWO_FACTOR_FIRST = (
    "Turn on two-factor for yourself and sign in with it before requiring it: until then the "
    "shop would be hidden from you too, this page included."
)


class ShopAdminForm(forms.ModelForm):
    """The Shop page: a tracking provider is chosen among those this deployment can call, and
    a shop administrator requires two-factor only once their own session has passed it."""

    user = None  # the signed-in person; ShopAdmin.get_form sets it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tracking_provider" in self.fields:
            self.fields["tracking_provider"].choices = tracking_provider_choices(
                self.instance.tracking_provider
            )
            self.fields["tracking_provider"].help_text = tracking_provider_help()

    def clean_require_two_factor(self) -> bool:
        required = self.cleaned_data["require_two_factor"]
        newly = required and not self.instance.require_two_factor
        # A verified session is one that passed a second factor (django-otp), so its user has
        # one; superusers see every shop whatever it requires.
        user = self.user
        if newly and user is not None and not user.is_superuser and not session_is_verified(user):
            raise forms.ValidationError(REQUIRE_TWO_FACTOR_FIRST)
        return required
