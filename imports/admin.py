"""Importing orders from Django admin: django-import-export's upload, preview and confirm pages
on the Order admin, for our own CSV layout and for TikTok's order files (the same import as
the Import page, `imports.services`)."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ImportForm

from accounts.models import AuditAction, Shop
from accounts.services import audit_record
from imports.plan import DATE_FORMAT_CHOICES
from imports.resources import (
    ADMIN_EXPORT_MAX_ROWS,
    OrderResource,
    TikTokOrderFileResource,
    formula_notice,
)
from orders.admin import OrderAdmin
from orders.models import Order


class OrderImportForm(ImportForm):
    """import-export's import form, plus what a TikTok file needs: its shop and date format."""

    shop = forms.ModelChoiceField(
        Shop.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        help_text="For a TikTok file: the shop its orders belong to.",
    )
    date_format = forms.ChoiceField(
        required=False, choices=DATE_FORMAT_CHOICES, label="Dates in a TikTok file"
    )
    field_order = ["resource", "shop", "date_format", "import_file", "format"]


class OrderConfirmImportForm(ConfirmImportForm):
    shop = forms.ModelChoiceField(
        Shop.objects.all(), required=False, to_field_name="slug", widget=forms.HiddenInput
    )
    date_format = forms.ChoiceField(
        required=False, choices=DATE_FORMAT_CHOICES, widget=forms.HiddenInput
    )


class OrderImportAdmin(ImportExportMixin, OrderAdmin):
    """The Order admin with import-export's Import and Export buttons."""

    resource_classes = [OrderResource]
    import_form_class = OrderImportForm
    confirm_form_class = OrderConfirmImportForm

    def get_import_resource_classes(self, request):
        return [OrderResource, TikTokOrderFileResource]

    def get_export_resource_classes(self, request):
        return [OrderResource]

    def get_import_resource_kwargs(self, request, **kwargs):
        chosen = getattr(kwargs.get("form"), "cleaned_data", None) or {}
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "shop": chosen.get("shop"),
            "date_format": chosen.get("date_format"),
        }

    def import_action(self, request, **kwargs):
        """import-export's upload and preview, plus a notice of the cells kept as typed that
        look like spreadsheet formulas, on the page that asks to confirm."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        notice = formula_notice(context["result"]) if context.get("confirm_form") else ""
        if notice:
            messages.warning(request, notice)
        return response

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            shop = import_form.cleaned_data.get("shop")
            initial["shop"] = shop.slug if shop else ""
            initial["date_format"] = import_form.cleaned_data.get("date_format", "")
        return initial

    def export_action(self, request):
        """Small ad-hoc exports only: larger ones belong to /exports/ (streamed, in a worker)."""
        if request.method == "POST":
            count = (
                self.get_export_queryset(request).order_by()[: ADMIN_EXPORT_MAX_ROWS + 1].count()
            )
            if count > ADMIN_EXPORT_MAX_ROWS:
                messages.error(
                    request,
                    f"More than {ADMIN_EXPORT_MAX_ROWS:,} orders: filter further, or use Exports "
                    "in the portal, which has no size limit.",
                )
                return redirect("admin:orders_order_changelist")
            audit_record(
                action=AuditAction.EXPORT_CREATED,
                actor=request.user,
                target="Django admin export",
                request=request,
                payload={"rows": count, "filters": request.GET.urlencode()},
            )
        return super().export_action(request)


# The Order admin is orders'; importing into it is this app's, so it replaces the registration
# (imports is installed after orders, so orders' admin module has run by now).
admin.site.unregister(Order)
admin.site.register(Order, OrderImportAdmin)
