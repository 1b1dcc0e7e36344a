"""The forms of the "TikTok Shop" pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms

from accounts.models import Shop
from tiktok.results import AuthorizedShop


class SyncForm(forms.Form):
    """ "Sync now" sends no date; "Re-sync from a date" sends the first day to read again."""

    since = forms.DateField(
        required=False,
        label="Re-sync from",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Orders updated on or after this day (in the shop's time zone) are read again.",
    )

    def __init__(self, *args, shop: Shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop = shop

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since is not None and since > datetime.now(ZoneInfo(self.shop.timezone)).date():
            raise forms.ValidationError("Choose today or a day in the past.")
        return since


class ChooseShopForm(forms.Form):
    """Which of the TikTok shops the seller authorized feeds this portal shop."""

    tiktok_shop = forms.ChoiceField(label="TikTok shop", widget=forms.RadioSelect)

    def __init__(self, *args, authorized: list[AuthorizedShop], **kwargs):
        super().__init__(*args, **kwargs)
        self.authorized = {shop.id: shop for shop in authorized}
        self.fields["tiktok_shop"].choices = [(shop.id, _describe(shop)) for shop in authorized]

    def chosen(self) -> AuthorizedShop:
        return self.authorized[self.cleaned_data["tiktok_shop"]]


SELLER_TYPES = {"LOCAL": "local seller", "CROSS_BORDER": "cross-border seller"}


def _describe(shop: AuthorizedShop) -> str:
    facts = [shop.region or "region not set yet", SELLER_TYPES.get(shop.seller_type, "")]
    if shop.code:
        facts.append(f"shop code {shop.code}")
    return f"{shop.name or shop.id} ({', '.join(fact for fact in facts if fact)})"
