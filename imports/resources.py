"""django-import-export resource for orders: small ad-hoc imports and exports in Django admin.

Large exports go through `exports` (streamed, in a worker); import-export holds every row in
memory, so the admin export is capped (`ADMIN_EXPORT_MAX_ROWS`). Text cells are neutralised
against formulas the same way as our own files; import-export's own escaping only strips `=`.
"""

from diff_match_patch import diff_match_patch
from django.core.exceptions import ValidationError
from django.utils.encoding import force_str
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from import_export import fields, resources
from import_export.resources import Diff
from import_export.results import Result, RowResult
from import_export.widgets import ForeignKeyWidget

from accounts.csvsafe import csv_safe
from accounts.models import AuditAction, Shop
from accounts.services import audit_record
from imports.columns import NOTED_STARTS
from imports.plan import NOTICE_CHARS, Notice, notice_words
from imports.read import HEADERS, REQUIRED
from imports.report import SHOWN_NOTICES
from imports.services import ImportRefused, UnreadableFile, import_tiktok_file
from orders.models import PAYMENT_FIELDS, Order
from orders.services.sales_rollups import sales_days_touched

ADMIN_EXPORT_MAX_ROWS = 50_000


class QuietDiff(Diff):
    """import-export's preview of what an update changes, as <del> and <ins> without the inline
    styles its own writes (the CSP refuses them); static/css/admin.css colours them."""

    TAGS = {diff_match_patch.DIFF_DELETE: "del", diff_match_patch.DIFF_INSERT: "ins"}

    def as_html(self):
        cells, differ = [], diff_match_patch()
        for old, new in zip(self.left, self.right, strict=True):
            old = "" if self.new and old != new else old  # a new order: all of it is new
            ops = differ.diff_main(force_str(old), force_str(new))
            differ.diff_cleanupSemantic(ops)
            cells.append(
                mark_safe(  # noqa: S308 - every part is escaped
                    "".join(
                        format_html("<{0}>{1}</{0}>", self.TAGS[op], text)
                        if op in self.TAGS
                        else conditional_escape(text)
                        for op, text in ops
                    )
                )
            )
        return cells


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

    def get_diff_class(self):
        return QuietDiff

    def save_instance(self, instance, is_create, row, **kwargs):
        """Save the row's order and mark its sales day (and the one it was on) for the
        roll-ups: a row may change the status, money, destination or creation time."""
        stored = Order.objects.filter(pk=instance.pk) if instance.pk else Order.objects.none()
        before = list(stored.values_list("shop_id", "create_time"))
        super().save_instance(instance, is_create, row, **kwargs)
        sales_days_touched([*before, instance])

    def before_import(self, dataset, **kwargs):
        self.notices: list[Notice] = []

    def after_import_row(self, row, row_result, row_number=None, **kwargs):
        """A stored row's text that begins with = + - or @: kept as typed (what the buyer or
        seller wrote), noted for the confirm page by the file importer's own rule.
        Id, number, date and status columns refuse such a value before this is reached."""
        if row_result.import_type not in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
            return
        imported = {f.column_name for f in self.get_import_fields()}
        for column, value in row.items():
            noted = isinstance(value, str) and value.strip().startswith(NOTED_STARTS)
            if column in imported and noted and "phone" not in column:
                # The file's row: its header is row 1, its first order row 2.
                self.notices.append(Notice(row_number + 1, column, value[:NOTICE_CHARS]))

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return csv_safe(value) if isinstance(value, str) else value

    def after_import(self, dataset, result, **kwargs):
        result.notice_count = len(self.notices)
        result.notices = self.notices[:SHOWN_NOTICES]
        if kwargs.get("dry_run") or result.has_errors():
            return
        user = kwargs.get("user")
        audit_record(
            action=AuditAction.IMPORT,
            actor=user,
            target="Django admin import",
            payload={"rows": len(dataset), "totals": dict(result.totals)},
        )


class TikTokOrderFileResource(resources.Resource):
    """A TikTok Seller Center "Order SKU list" file in Django admin's import (docs/imports.md).

    import-export's row-per-object machinery does not fit a file whose orders span rows, so
    the import itself is `imports.services`, the same as the import page and the command: the
    admin's preview is its dry run (one row per order, every bad row with its column), and its
    confirmation is the one-transaction apply. Bad rows refuse the whole file here; the import
    page offers leaving them out.
    """

    SHOWN_ORDERS = 1000  # rows of the admin's preview table; the totals count every order
    OUTCOMES = {
        "created": RowResult.IMPORT_TYPE_NEW,
        "updated": RowResult.IMPORT_TYPE_UPDATE,
        "unchanged": RowResult.IMPORT_TYPE_SKIP,
        "older": RowResult.IMPORT_TYPE_SKIP,
    }

    @classmethod
    def get_display_name(cls) -> str:
        return "TikTok “Order SKU list” file (choose the shop)"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.shop = kwargs.get("shop")
        self.date_format = kwargs.get("date_format") or None

    def get_user_visible_fields(self):
        return [fields.Field(column_name=HEADERS[key][0].title()) for key in REQUIRED]

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        result = Result()
        result.diff_headers = ["Order ID", "Outcome"]
        if self.shop is None:
            result.append_invalid_row(1, {}, ValidationError("Choose the shop to import into."))
            return result
        try:
            report = import_tiktok_file(
                shop=self.shop,
                source=dataset.export("csv").encode(),
                name=f"{kwargs.get('file_name') or 'file'} (Django admin)",  # read as CSV
                actor=kwargs.get("user"),
                dry_run=dry_run,
                date_format=self.date_format,
                outcomes=True,
            )
        except UnreadableFile as error:
            result.append_invalid_row(1, {}, ValidationError(str(error)))
            return result
        except ImportRefused as refused:
            for error in refused.errors:
                result.append_invalid_row(
                    error.row, {}, ValidationError({error.column: [error.reason]})
                )
            return result
        for order_id, outcome in report.outcomes[: self.SHOWN_ORDERS]:
            row = RowResult()
            row.import_type = self.OUTCOMES[outcome]
            row.diff = [order_id, outcome]
            result.append_row_result(row)
        for outcome, kind in self.OUTCOMES.items():
            result.totals[kind] += getattr(report, outcome)
        result.total_rows = report.rows
        result.notices, result.notice_count = report.notices, report.notice_count
        return result


def formula_notice(result) -> str:
    """What the admin's confirm page says about the cells an import keeps as typed although
    they begin with = + - or @ ("" when none do): how many, and where, with the text; in the
    file importer's words."""
    count = getattr(result, "notice_count", 0)
    if not count:
        return ""
    cells = "; ".join(f"row {n.row}, {n.column}: {n.value}" for n in result.notices)
    more = f" The first {len(result.notices)} are listed." if count > len(result.notices) else ""
    return (
        f"{notice_words(count)} Text a buyer or seller typed, stored as typed when you confirm "
        f"(pages show it as text): {cells}.{more}"
    )
