from django import forms

from accounts.access import shops_for_user
from accounts.roles import Perm
from api.scopes import Scope

EXPIRY_CHOICES = (("30", "30 days"), ("90", "90 days"), ("366", "1 year"), ("", "Never"))


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="What will use it, e.g. “Warehouse sync”.", strip=True
    )
    shops = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one shop."},
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        initial=[Scope.ORDERS_READ],
        widget=forms.CheckboxSelectMultiple,
        help_text="A scope never gives more than your role allows in the shop: exports need "
        "the permission to export orders, sales figures the one to view insights.",
        error_messages={"required": "Choose at least one scope."},
    )
    expires = forms.ChoiceField(
        label="Expires after", choices=EXPIRY_CHOICES, initial="90", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        shops = shops_for_user(user, Perm.VIEW_ORDERS).order_by("name")
        self.fields["shops"].queryset = shops
        if shops.count() == 1:
            self.fields["shops"].initial = [shops.first()]

    @property
    def expires_days(self) -> int | None:
        value = self.cleaned_data.get("expires")
        return int(value) if value else None
