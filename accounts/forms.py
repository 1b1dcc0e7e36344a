from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts.models import email_address_normalize


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, labelled for email sign-in; errors never say which part was wrong."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an active account.",
    }

    def clean_username(self) -> str:
        return email_address_normalize(self.cleaned_data["username"])


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordConfirmForm(forms.Form):
    """Asks for the current password before a sensitive change."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password


class ShopSwitchForm(forms.Form):
    """The header's shop switcher: one of the user's shops, or empty for all of them."""

    shop = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All my shops", to_field_name="slug"
    )

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops
