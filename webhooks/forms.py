"""The endpoint form: a shop, a URL the portal may send to, the events wanted."""

from django import forms

from accounts.access import shops_for_user, user_has_shop_perm
from accounts.roles import Perm
from webhooks.services.endpoints import SUBSCRIBABLE
from webhooks.targets import TargetRefused, target_check


class EndpointForm(forms.Form):
    shop = forms.ModelChoiceField(queryset=None, to_field_name="slug", empty_label=None)
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="Where the events are POSTed, e.g. https://example.com/seller-center/hooks.",
    )
    description = forms.CharField(max_length=120, required=False, help_text="For your own notes.")
    events = forms.MultipleChoiceField(
        choices=[(choice.value, choice.label) for choice in SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not one of the events listed."},
    )
    include_buyer_contact = forms.BooleanField(
        required=False,
        label="Include buyer contact data",
        help_text="Names, email, phone and address unmasked. Off: they are masked as for a "
        "role that may not see them.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["shop"].queryset = shops_for_user(user, Perm.MANAGE_WEBHOOKS)

    def clean_url(self) -> str:
        try:
            return target_check(self.cleaned_data["url"])
        except TargetRefused as refused:
            raise forms.ValidationError(str(refused)) from None

    def clean(self):
        cleaned = super().clean()
        shop = cleaned.get("shop")
        wanted = cleaned.get("include_buyer_contact")
        if shop and wanted and not user_has_shop_perm(self.user, shop, Perm.SEE_BUYER_CONTACT):
            self.add_error(
                "include_buyer_contact",
                "You may not see buyer contact data in this shop, so its webhooks may not either.",
            )
        return cleaned
