"""Forms of the Django admin for shops."""

from django import forms

from .models import Shop


def tracking_provider_choices(current: str) -> list[tuple[str, str]]:
    """The deployment's default, the providers it can call, and `current` even if it cannot."""
    from orders.carriers import configured_providers  # accounts does not import orders on load

    configured = configured_providers()
    choices = []
    for code, label in Shop._meta.get_field("tracking_provider").choices:
        if not code or code in configured:
            choices.append((code, label))
        elif code == current:  # offered as stored, so saving the page does not change it
            choices.append((code, f"{label} (not configured here)"))
    return choices


class ShopAdminForm(forms.ModelForm):
    """The Shop page: a tracking provider is chosen among those this deployment can call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tracking_provider" in self.fields:
            self.fields["tracking_provider"].choices = tracking_provider_choices(
                self.instance.tracking_provider
            )
