from django import forms

from accounts.csvsafe import FORMULA_TRIGGERS
from exports.columns import CATALOGUE, GROUPS, MAX_HEADER_LENGTH
from exports.models import ExportFormat, ExportTemplate, Frequency
from orders.filters import filter_choices
from orders.form_fields import PlainTextField, RowIdListField, WholeNumberField


class CustomNeedsReportMixin:
    """The custom template exports a saved report: one must be chosen."""

    def clean(self):
        data = super().clean()
        if data.get("template") == ExportTemplate.CUSTOM and not data.get("report"):
            self.add_error("report", "Choose the saved report to export.")
        return data


class ExportForm(CustomNeedsReportMixin, forms.Form):
    """What to export (filters or ticked orders) and how: format, template, saved report."""

    query = forms.CharField(max_length=4000, required=False, widget=forms.HiddenInput)
    ids = RowIdListField(required=False)
    format = forms.ChoiceField(choices=ExportFormat.choices, initial=ExportFormat.CSV)
    template = forms.ChoiceField(
        choices=ExportTemplate.choices, initial=ExportTemplate.TIKTOK_SKU_LIST
    )
    report = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="—", help_text="For a custom report."
    )

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = reports


class ScheduleForm(CustomNeedsReportMixin, forms.Form):
    name = PlainTextField(max_length=80)
    shop = forms.ModelChoiceField(queryset=None, to_field_name="slug", empty_label=None)
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.MONTHLY)
    date_field = forms.ChoiceField(
        choices=[
            (k, v) for k, v in filter_choices("date_field").items() if k in ("created", "paid")
        ],
        label="Period applies to",
    )
    format = forms.ChoiceField(choices=ExportFormat.choices)
    template = forms.ChoiceField(choices=ExportTemplate.choices)
    report = forms.ModelChoiceField(queryset=None, required=False, empty_label="—")
    query = forms.CharField(max_length=4000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, shops, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops
        self.fields["report"].queryset = reports


class ReportForm(forms.Form):
    """A custom report: a name, then per catalogue column a tick, a header and a position."""

    # Names and headers end up in file names, sheet cells and pages: plain text only.
    name = PlainTextField(max_length=80)

    def __init__(self, *args, initial_columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        chosen = {c["key"]: (i, c.get("label", "")) for i, c in enumerate(initial_columns)}
        for key, column in CATALOGUE.items():
            position, label = chosen.get(key, (None, ""))
            self.fields[f"col_{key}"] = forms.BooleanField(
                required=False, label=column.label, initial=key in chosen
            )
            self.fields[f"label_{key}"] = PlainTextField(
                required=False,
                max_length=MAX_HEADER_LENGTH,
                initial=label if label != column.label else "",
                label=f"Header for {column.label}",
            )
            self.fields[f"pos_{key}"] = WholeNumberField(
                required=False,
                min_value=1,
                max_value=999,
                initial=None if position is None else position + 1,
                label=f"Position of {column.label}",
            )

    def groups(self):
        """The catalogue by group, each column with its three fields, for the template."""
        return [
            (
                group,
                [
                    (self[f"col_{key}"], self[f"label_{key}"], self[f"pos_{key}"])
                    for key, column in CATALOGUE.items()
                    if column.group == group
                ],
            )
            for group in GROUPS
        ]

    def clean(self):
        data = super().clean()
        picked = []
        for index, (key, column) in enumerate(CATALOGUE.items()):
            if data.get(f"col_{key}"):
                position = data.get(f"pos_{key}") or 1000 + index
                label = (data.get(f"label_{key}") or "").strip() or column.label
                if label.startswith(FORMULA_TRIGGERS):
                    self.add_error(
                        f"label_{key}",
                        "A header cannot start with =, +, - or @: a spreadsheet would run it "
                        "as a formula.",
                    )
                picked.append((position, index, {"key": key, "label": label}))
        if not picked:
            raise forms.ValidationError("Pick at least one column.")
        data["columns"] = [entry for _, _, entry in sorted(picked, key=lambda p: p[:2])]
        return data


PRESELECTED = ("template", "frequency", "name")


def schedule_initial(query) -> tuple[dict, object]:
    """What a link to the schedule form may preselect (the finance pages' "Schedule monthly"):
    a template and a frequency among their choices, a name and the shop; and the filters
    left (a QueryDict without the preselected names)."""
    initial = {}
    if query.get("template") in ExportTemplate.values:
        initial["template"] = query["template"]
    if query.get("frequency") in Frequency.values:
        initial["frequency"] = query["frequency"]
    if query.get("name"):
        initial["name"] = query["name"][:80]
    if query.get("shop"):
        initial["shop"] = query["shop"][:60]
    filters = query.copy()
    for name in PRESELECTED:
        filters.pop(name, None)
    return initial, filters
