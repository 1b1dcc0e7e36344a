"""The import page's forms: the upload (shop, file, date format) and the apply button."""

from pathlib import Path

from django import forms
from django.conf import settings

from imports.bounds import UnreadableFile
from imports.plan import DATE_FORMAT_CHOICES
from imports.read import too_large, upload_check
from orders.form_fields import FlagField


class ImportForm(forms.Form):
    shop = forms.ModelChoiceField(queryset=None, to_field_name="slug", empty_label=None)
    file = forms.FileField(help_text="TikTok Seller Center “Order SKU list”, CSV or XLSX.")
    date_format = forms.ChoiceField(
        required=False,
        choices=DATE_FORMAT_CHOICES,
        label="Dates in the file",
    )

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops

    def clean_file(self):
        """Only the cheap checks (size, name, a sane zip directory); the header is read by
        `import_upload` for a small file and by the worker's preview for a large one."""
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError("Upload a .csv or .xlsx file exported by TikTok.")
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large())
        try:
            upload_check(upload.file, upload.name)
        except UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class ImportApplyForm(forms.Form):
    """The preview's button: "Import without the bad rows" carries skip_errors=on, the plain
    "Import" nothing."""

    skip_errors = FlagField(value="on")


class FinanceImportForm(forms.Form):
    """A Seller Center finance file for one shop: the same cheap checks as an order file."""

    shop = forms.ModelChoiceField(queryset=None, to_field_name="slug", empty_label=None)
    file = forms.FileField(
        help_text="Seller Center “Income” report, profit and loss workbook or unsettled "
        "orders export, CSV or XLSX."
    )

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops

    clean_file = ImportForm.clean_file
