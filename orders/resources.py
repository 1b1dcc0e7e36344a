"""django-import-export resource for orders: small ad-hoc imports and exports in Django admin.

Large exports go through `exports` (streamed, in a worker); import-export holds every row in
memory, so the admin export is capped (`ADMIN_EXPORT_MAX_ROWS`). Text cells are neutralised
against formulas the same way as our own files; import-export's own escaping only strips `=`.
"""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from accounts.csvsafe import csv_safe
from accounts.models import AuditAction, Shop
from accounts.services import audit_record

from .models import PAYMENT_FIELDS, Order

ADMIN_EXPORT_MAX_ROWS = 50_000


class OrderResource(resources.ModelResource):
    shop = fields.Field(attribute="shop", column_name="shop", widget=ForeignKeyWidget(Shop, "slug"))

    class Meta:
        model = Order
        import_id_fields = ("shop", "order_id")
        fields = (
            "shop",
            "order_id",
            "status",
            "order_type",
            "buyer_username",
            "buyer_email",
            "recipient_name",
            "recipient_phone",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "region_code",
            "payment_method_name",
            "currency",
            *PAYMENT_FIELDS,
            "refunded_amount",
            "create_time",
            "paid_time",
            "update_time",
            "seller_note",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True  # the model's validators and constraints run per row
        chunk_size = 2000

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return csv_safe(value) if isinstance(value, str) else value

    def after_import(self, dataset, result, **kwargs):
        if kwargs.get("dry_run") or result.has_errors():
            return
        user = kwargs.get("user")
        audit_record(
            action=AuditAction.IMPORT,
            actor=user,
            target="Django admin import",
            payload={"rows": len(dataset), "totals": dict(result.totals)},
        )
