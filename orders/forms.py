from django import forms

from orders.bulk_actions import BULK_ACTIONS
from orders.form_fields import (
    FAST_FORMS,
    FlagField,
    MoneyField,
    PlainTextField,
    currency_decimals,
    row_id,
)

CHOOSE_BULK_ACTION = "Choose what to do with the selected orders."


class SavedViewForm(forms.Form):
    default_renderer = FAST_FORMS  # on every order list page
    name = PlainTextField(max_length=80)
    shop = forms.ChoiceField()  # a slug among `shops`; cleaned to the Shop
    query_string = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)
    shared = forms.BooleanField(required=False, label="Share with everyone in the shop")
    make_default = forms.BooleanField(required=False, label="Open the list with this view")

    def __init__(self, *args, shops: list, **kwargs):
        """`shops`: those the user may save a view for, as a list the page already holds."""
        super().__init__(*args, **kwargs)
        self._shops = {shop.slug: shop for shop in shops}
        self.fields["shop"].choices = [(shop.slug, shop.name) for shop in shops]

    def clean_shop(self):
        return self._shops[self.cleaned_data["shop"]]


class SavedViewChangeForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("rename", "Rename"), ("delete", "Delete"), ("default", "Make default")]
    )
    name = PlainTextField(max_length=80, required=False)


class BulkActionForm(forms.Form):
    """The order list's bulk bar: a registered action, for the ticked rows or for every order
    matching the list's filters (`query`). Ticked ids are the selection's to resolve: one
    that is not an order of the user's shops selects nothing."""

    action = forms.ChoiceField(
        choices=lambda: [(code, action.label) for code, action in BULK_ACTIONS.items()],
        error_messages={"required": CHOOSE_BULK_ACTION, "invalid_choice": CHOOSE_BULK_ACTION},
    )
    ids = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    all_matching = FlagField(value="1")
    query = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)


# --- the order page's actions -----------------------------------------------------------
# Shape only (plain text, ASCII numbers, the currency's decimals); the services decide what
# is allowed (permissions, limits, statuses) and say so in their own words.


class NoteForm(forms.Form):
    body = PlainTextField(multiline=True, required=False)
    submission_id = PlainTextField(required=False, max_length=64, widget=forms.HiddenInput)


class MessageForm(forms.Form):
    body = PlainTextField(multiline=True, required=False)


class StatusForm(forms.Form):
    status = PlainTextField(required=False, max_length=40)
    reason = PlainTextField(required=False, max_length=255)


class CancelForm(forms.Form):
    # A connected shop's order: the key of one of the marketplace's reasons.
    reason = PlainTextField(required=False, max_length=160)


class TrackingForm(forms.Form):
    carrier = PlainTextField(required=False, max_length=80)
    tracking_number = PlainTextField(required=False, max_length=40)
    # A connected shop's carrier: the marketplace's provider id, from its list.
    shipping_provider_id = PlainTextField(required=False, max_length=32)


class ArrangeForm(forms.Form):
    """A TikTok-shipped parcel's handover: the method and, for a pick-up, the slot's key."""

    handover_method = PlainTextField(required=False, max_length=16)
    pickup_slot = PlainTextField(required=False, max_length=32)


class RefundDecisionForm(forms.Form):
    """An administrator's answer to a refund that waits: the button pressed."""

    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.HiddenInput
    )


class RefundForm(forms.Form):
    """An amount in the order's currency, or `qty_<line id>` fields, and a reason."""

    amount = MoneyField(required=False)
    reason = PlainTextField(required=False, max_length=255)
    include_shipping = forms.BooleanField(required=False)
    whole_order = forms.BooleanField(required=False)

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"] = MoneyField(
            required=False, decimal_places=currency_decimals(currency)
        )

    def clean(self):
        data = super().clean()
        quantities = {}
        for key, value in self.data.items():
            if not key.startswith("qty_") or value.strip() in ("", "0"):
                continue
            # A line is a row id, and no quantity exceeds one: both are bounded like ids.
            line_id, quantity = row_id(key[4:]), row_id(value)
            if line_id is None or quantity is None:
                raise forms.ValidationError("Quantities must be whole numbers (digits 0–9).")
            quantities[line_id] = quantity
        data["quantities"] = quantities
        return data


class RequestAnswerForm(forms.Form):
    """An answer to a buyer's request: the button pressed, and for a rejection one of the
    marketplace's reasons (checked against its list by the view) and a comment."""

    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.HiddenInput
    )
    reason = PlainTextField(required=False, max_length=160)
    comment = PlainTextField(required=False, max_length=500)
