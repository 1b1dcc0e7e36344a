"""The finance pages' filters and the explanation of a difference."""

from datetime import date

from django import forms

from finance.models import DifferenceKind, DifferenceStatus, PaymentStatus
from orders.form_fields import PlainTextField, WholeNumberField

NOTE_MAX = 2000


def _page(value) -> int:
    return value or 1


class StatementFilterForm(forms.Form):
    """Statements of one shop or all in view: a month, or a span of days, and payout status."""

    shop = PlainTextField(required=False, max_length=60, widget=forms.HiddenInput)
    month = forms.CharField(
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text="A calendar month of statement days.",
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        required=False,
        label="Payout",
        choices=[("", "Any payout status"), *PaymentStatus.choices],
    )
    page = WholeNumberField(required=False, min_value=1, max_value=100_000)

    def clean_month(self) -> tuple[int, int] | None:
        text = self.cleaned_data["month"].strip()
        if not text:
            return None
        year, _, month = text.partition("-")
        if not (year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
            raise forms.ValidationError("Write the month as year and month, e.g. 2026-11.")
        if not 2000 <= int(year) <= 2100:
            raise forms.ValidationError("Choose a month between 2000 and 2100.")
        return int(year), int(month)

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if data.get("month") and (first or last):
            raise forms.ValidationError("Choose a month or a span of days, not both.")
        if first and last and first > last:
            self.add_error("date_to", "The last day comes before the first.")
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day and not date(2000, 1, 1) <= day <= date(2100, 12, 31):
                self.add_error(name, "Choose a day between 2000 and 2100.")
        data["page"] = _page(data.get("page"))
        return data


class DifferenceFilterForm(forms.Form):
    shop = PlainTextField(required=False, max_length=60, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        required=False,
        choices=[*DifferenceStatus.choices, ("all", "Any status")],
        initial=DifferenceStatus.OPEN,
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Every kind"), *DifferenceKind.choices])
    page = WholeNumberField(required=False, min_value=1, max_value=100_000)

    def clean(self):
        data = super().clean()
        status = data.get("status") or DifferenceStatus.OPEN
        data["status"] = "" if status == "all" else status
        data["page"] = _page(data.get("page"))
        return data


class ExplainForm(forms.Form):
    note = PlainTextField(
        multiline=True,
        max_length=NOTE_MAX,
        label="What explains it",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say in a note what explains the difference."},
    )
