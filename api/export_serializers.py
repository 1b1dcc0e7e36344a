"""Export jobs through the API: the body that starts one, as the exports page's form takes it
(the order list's filters, a template or columns, a format), and a job as the API gives it."""

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.csvsafe import FORMULA_TRIGGERS
from api.selectors.exports import api_report
from exports.columns import CATALOGUE, MAX_CUSTOM_COLUMNS, MAX_HEADER_LENGTH
from exports.descriptions import job_filters_text
from exports.models import ExportFormat, ExportJob, ExportStatus, ExportTemplate
from exports.selectors import job_downloadable_by
from orders.filter_words import NOT_FILTERS
from orders.form_fields import control_character
from orders.selectors.order_filter import order_filterset

# The list's parameters that select no orders; `shop` is the body's `shops`.
NOT_EXPORT_FILTERS = {
    **{name: "Not a filter: an export holds every matching order." for name in NOT_FILTERS},
    "shop": "Name the shops in “shops”.",
    "import_job": "Not a filter of exports.",
}


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
)
class FilterValueField(serializers.Field):
    """One filter's value: a string, or a list of strings for a filter that takes several."""

    def to_internal_value(self, data):
        values = data if isinstance(data, list) else [data]
        if not values or not all(isinstance(value, str) for value in values):
            raise serializers.ValidationError("Give a string or a list of strings.")
        return values


COLUMN_KEYS = list(CATALOGUE)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "enum": COLUMN_KEYS, "description": "A column's key."},
            {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "enum": COLUMN_KEYS},
                    "label": {"type": "string", "maxLength": MAX_HEADER_LENGTH},
                },
                "required": ["key"],
                "description": "A column's key and the header to give it.",
            },
        ]
    }
)
class ColumnField(serializers.Field):
    """A column of a custom export: its key, or {"key", "label"} to name its header."""

    def to_internal_value(self, data):
        entry = {"key": data} if isinstance(data, str) else data
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            raise serializers.ValidationError('Give a column key, or {"key": …, "label": …}.')
        key = entry["key"]
        if key not in CATALOGUE:
            raise serializers.ValidationError(f"Unknown column: {key[:40]!r}.")
        label = entry.get("label") or CATALOGUE[key].label
        if not isinstance(label, str) or len(label) > MAX_HEADER_LENGTH:
            raise serializers.ValidationError(
                f"A header is text of at most {MAX_HEADER_LENGTH} characters."
            )
        label = label.strip() or CATALOGUE[key].label
        if label.startswith(FORMULA_TRIGGERS):
            raise serializers.ValidationError(
                "A header cannot start with =, +, - or @: a spreadsheet would run it as a formula."
            )
        if found := control_character(label, multiline=False):
            raise serializers.ValidationError(f"Remove the control character {found}.")
        return {"key": key, "label": label}


class ExportCreateSerializer(serializers.Serializer):
    """What to export, as the order list's filters, and how: a template, or a custom
    export's saved report or columns, and a format."""

    # Context: `user`, and `shops` (the token's, where its owner exports).

    shops = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        allow_empty=False,
        help_text="Shop slugs; default: every shop of the token where its owner exports.",
    )
    filters = serializers.DictField(
        child=FilterValueField(),
        required=False,
        help_text="The order list's filters, as on /orders/ (docs/order-list.md), "
        'e.g. {"status": ["IN_TRANSIT"], "period": "last_month"}.',
    )
    template = serializers.ChoiceField(
        choices=ExportTemplate.choices,
        required=False,
        help_text="Default: custom with `report` or `columns`, else tiktok_sku_list.",
        error_messages={"invalid_choice": "“{input}” is not a template."},
    )
    report = serializers.IntegerField(
        required=False, min_value=1, help_text="The id of a saved report of yours (custom)."
    )
    columns = serializers.ListField(
        child=ColumnField(),
        required=False,
        allow_empty=False,
        max_length=MAX_CUSTOM_COLUMNS,
        help_text="A custom export's columns, in file order (instead of a saved report).",
    )
    format = serializers.ChoiceField(
        choices=ExportFormat.choices,
        default=ExportFormat.CSV,
        error_messages={"invalid_choice": "“{input}” is not a format: choose csv or xlsx."},
    )

    def validate(self, data):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        data["shops"] = self._shops(data.get("shops"))
        data["query"] = self._query(data.get("filters") or {}, data["shops"])
        report = None
        if "report" in data:
            report = api_report(user=self.context["user"], pk=data["report"])
            if report is None:
                raise serializers.ValidationError(
                    {"report": [f"You have no saved report with the id {data['report']}."]}
                )
        data["report"] = report
        custom = report is not None or bool(data.get("columns"))
        template = data.setdefault(
            "template", ExportTemplate.CUSTOM if custom else ExportTemplate.TIKTOK_SKU_LIST
        )
        if template == ExportTemplate.CUSTOM and not custom:
            raise serializers.ValidationError(
                {"template": ["A custom export needs a saved `report` or `columns`."]}
            )
        if template != ExportTemplate.CUSTOM and custom:
            name = "report" if report is not None else "columns"
            raise serializers.ValidationError(
                {name: [f"Only a custom export takes {name}; leave out the template."]}
            )
        return data

    def _shops(self, slugs):
        allowed = {shop.slug: shop for shop in self.context["shops"]}
        if slugs is None:
            return list(allowed.values())
        outside = [slug for slug in slugs if slug not in allowed]
        if outside:
            names = ", ".join(slug[:40] for slug in outside)
            raise serializers.ValidationError(
                {"shops": [f"Not among the shops this token exports: {names}."]}
            )
        return [allowed[slug] for slug in dict.fromkeys(slugs)]

    def _query(self, filters: dict, shops) -> QueryDict:
        """The filters as the order list's query, each checked by its FilterSet."""
        query = QueryDict(mutable=True)
        for name, values in filters.items():
            query.setlist(name, values)
        errors = {name: [NOT_EXPORT_FILTERS[name]] for name in query if name in NOT_EXPORT_FILTERS}
        filterset, _ = order_filterset(user=self.context["user"], query=query, within=shops)
        known = set(filterset.filters) - set(NOT_EXPORT_FILTERS)
        errors |= {name: ["Unknown filter."] for name in query if name not in known | errors.keys()}
        errors |= {name: [str(m) for m in msgs] for name, msgs in filterset.form.errors.items()}
        if errors:
            raise serializers.ValidationError({"filters": errors})
        return query


class ExportJobSerializer(serializers.ModelSerializer):
    """An export job: its state, progress and, once its file can be downloaded, where."""

    status_text = serializers.CharField(source="get_status_display", read_only=True)
    shops = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    requested_by = serializers.CharField(source="requested_by.email", read_only=True)
    columns = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        read_only=True,
        help_text='A custom export\'s columns: [{"key", "label"}]; [] for a template.',
    )
    filters = serializers.SerializerMethodField()
    filters_text = serializers.SerializerMethodField()
    ticked_orders = serializers.SerializerMethodField()
    percent = serializers.IntegerField(
        allow_null=True, read_only=True, help_text="Progress, 0–100."
    )
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = (
            "id",
            "url",
            "status",
            "status_text",
            "template",
            "report",
            "columns",
            "format",
            "shops",
            "filters",
            "filters_text",
            "ticked_orders",
            "requested_by",
            "rows_total",
            "rows_done",
            "percent",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
            "file_name",
            "size_bytes",
            "sha256",
            "download_url",
        )
        read_only_fields = fields

    def get_filters(self, job) -> dict[str, list[str]]:
        return dict(QueryDict(job.query_string).lists())

    def get_filters_text(self, job) -> str:
        return job_filters_text(job)

    def get_ticked_orders(self, job) -> int:
        return len(job.order_keys)

    def _absolute(self, name: str, job) -> str:
        return self.context["request"].build_absolute_uri(reverse(name, args=[job.pk]))

    def get_url(self, job) -> str:
        return self._absolute("api:export", job)

    def get_download_url(self, job) -> str | None:
        """Set once the file is stored, until it expires, for those who may download it."""
        if not job_file_ready(job) or not job_downloadable_by(job, self.context["request"].user):
            return None
        return self._absolute("api:export_download", job)


def job_file_ready(job: ExportJob) -> bool:
    """Done, with its file stored and not yet expired."""
    expired = job.expires_at is not None and job.expires_at <= timezone.now()
    return job.status == ExportStatus.DONE and bool(job.file) and not expired
