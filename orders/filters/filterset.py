"""The order list's FilterSet: every filter with the label the filter bar shows.

Each label is said once, here: the filter bar, the chips, the export descriptions and the
refusals ("Total at least: …") all read it, where django-filter would make "Total amount is
greater than or equal to".
"""

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from imports.models import ImportJob
from orders.filters.choices import (
    DATE_FIELD_LABELS,
    DATE_FIELDS,
    KNOWN_SET_FILTERS,
    PER_PAGE,
    REQUEST_CHOICES,
    SHIPPED_LATE_CHOICES,
    SORTS,
    YES_NO,
)
from orders.filters.fields import (
    BoundedDateFilter,
    ChoiceFilter,
    FieldsOfOneForm,
    ImportJobFilter,
    MoneyFilter,
    MultipleChoiceFilter,
    MultiValueFilter,
    OrderFilterForm,
    PlainTextFilter,
    WholeNumberFilter,
)
from orders.filters.search import PlannedFilters
from orders.models import BuyerRequest, Order, OrderEvent, OrderLine, Package
from orders.needs_action import NEEDS_ACTION, awaiting_request_q
from orders.periods import PERIODS, dates_range, period_range
from orders.risk import risk_q
from orders.sales_terms import RETURNED, SHIPPED
from orders.statuses import FulfillmentType, OrderStatus, TrackingStatus


class OrderFilterSet(PlannedFilters, django_filters.FilterSet):
    """Every parameter of the order list. Construct with the shops the user may view."""

    shop = ChoiceFilter(method="filter_nothing", label="Shop")  # choices: mine
    status = MultipleChoiceFilter(distinct=False, choices=OrderStatus.choices, label="Status")
    period = ChoiceFilter(choices=list(PERIODS.items()), method="filter_nothing", label="Period")
    date_field = ChoiceFilter(
        choices=list(DATE_FIELD_LABELS.items()), method="filter_nothing", label="Date"
    )
    date_from = BoundedDateFilter(method="filter_nothing", label="Date from")
    date_to = BoundedDateFilter(method="filter_nothing", label="Date to")
    q = PlainTextFilter(method="filter_nothing", max_length=4000, label="Search")
    sku = PlainTextFilter(method="filter_sku", max_length=100, label="Seller SKU or SKU ID")
    product = PlainTextFilter(
        method="filter_product", max_length=200, label="Product name contains"
    )
    category = MultiValueFilter(method="filter_category", label="Product category")
    buyer = PlainTextFilter(method="filter_nothing", max_length=150, label="Buyer or recipient")
    total_min = MoneyFilter(field_name="total_amount", lookup_expr="gte", label="Total at least")
    total_max = MoneyFilter(field_name="total_amount", lookup_expr="lte", label="Total at most")
    payment_method = MultiValueFilter(method="filter_payment_method", label="Payment method")
    country = MultiValueFilter(method="filter_country", label="Country")
    state = MultiValueFilter(method="filter_iexact_any", label="State")
    city = MultiValueFilter(method="filter_iexact_any", label="City")
    postal_code = MultiValueFilter(method="filter_iexact_any", label="Postal code")
    carrier = MultiValueFilter(method="filter_carrier", label="Carrier")
    tracking_status = MultipleChoiceFilter(
        distinct=False,
        choices=TrackingStatus.choices,
        method="filter_tracking_status",
        label="Tracking",
    )
    fulfillment_type = MultipleChoiceFilter(
        distinct=False, choices=FulfillmentType.choices, label="Fulfilment"
    )
    delivery_option = MultiValueFilter(method="filter_delivery_option", label="Delivery option")
    has_refund = ChoiceFilter(choices=YES_NO, method="filter_flag", label="Refund")
    has_return = ChoiceFilter(choices=YES_NO, method="filter_flag", label="Return")
    refund_or_return = ChoiceFilter(
        choices=YES_NO, method="filter_flag", label="Refund or return asked for"
    )
    shipped_late = ChoiceFilter(
        choices=SHIPPED_LATE_CHOICES, method="filter_shipped_late", label="Shipped late"
    )
    has_buyer_message = ChoiceFilter(choices=YES_NO, method="filter_flag", label="Buyer message")
    risk = ChoiceFilter(choices=YES_NO, method="filter_flag", label="Risk")
    request = ChoiceFilter(choices=REQUEST_CHOICES, method="filter_request", label="Buyer request")
    needs_action = MultipleChoiceFilter(
        distinct=False,
        choices=list(NEEDS_ACTION.items()),
        method="filter_needs_action",
        label="Needs action",
    )
    sort = ChoiceFilter(choices=list(SORTS.items()), method="filter_nothing", label="Sort")
    per_page = ChoiceFilter(
        choices=[(p, p) for p in PER_PAGE], method="filter_nothing", label="Rows per page"
    )
    page = WholeNumberFilter(
        method="filter_nothing", min_value=1, max_value=1_000_000, label="Page"
    )
    cursor = PlainTextFilter(method="filter_nothing", max_length=500, label="Page link")
    import_job = ImportJobFilter(
        queryset=ImportJob.objects.none(), method="filter_import_job", label="Import"
    )

    class Meta:
        model = Order
        fields: list[str] = []
        form = OrderFilterForm

    def __init__(
        self,
        data=None,
        *,
        shops,
        unmasked_shop_ids,
        now=None,
        user=None,
        known_values=None,
        **kwargs,
    ):
        self.shops = list(shops)
        self.user = user  # whose "my refunds" `needs_action=my_refund_pending` means
        # (shops, fresh) → the known-set filters' values in those shops' orders; None: unchecked
        self._known_values = known_values
        self.unmasked_shop_ids = set(unmasked_shop_ids)
        self.now = now or timezone.now()
        super().__init__(data, **kwargs)
        self.filters["shop"].extra["choices"] = [(s.slug, s.name) for s in self.shops]
        self.filters["import_job"].queryset = ImportJob.objects.filter(shop__in=self.shops)

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = FieldsOfOneForm(form_class.base_fields)
        return form_class

    @property
    def form(self):
        form = super().form
        if self._known_values is not None:
            form.known_values = self.known_values
        return form

    def known_values(self, *, fresh: bool = False) -> dict[str, list[str]]:
        """The values each known-set filter may take here (selects list them)."""
        if self._known_values is None:
            return {name: [] for name in KNOWN_SET_FILTERS}
        if fresh or not hasattr(self, "_known"):
            self._known = self._known_values(self.selected_shops, fresh)
        return self._known

    @property
    def foreign_shop_requested(self) -> bool:
        """A `shop` the user does not belong to: the page answers 404, not a form error."""
        return bool(self.data.get("shop")) and "shop" in self.form.errors

    @property
    def listed_import(self):
        """The import whose orders are listed (`import_job`), when one valid is asked for."""
        return self.form.cleaned_data.get("import_job")

    @property
    def selected_shops(self):
        slug = self.form.cleaned_data.get("shop")
        return [s for s in self.shops if s.slug == slug] if slug else self.shops

    # --- cross-field filters: shop, dates, free text, buyer -------------------------------

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        shops = self.selected_shops
        if data.get("shop"):
            queryset = queryset.filter(shop_id__in=[s.pk for s in shops])
        queryset = self._filter_dates(queryset, data, shops)
        if data.get("q"):
            queryset = queryset.filter(self.search_q(data["q"]))
        if data.get("buyer"):
            queryset = queryset.filter(self.contact_q(data["buyer"]))
        return queryset

    def _filter_dates(self, queryset, data, shops):
        column = DATE_FIELDS[data.get("date_field") or "created"]
        if not (data.get("date_from") or data.get("date_to") or data.get("period")):
            return queryset
        per_shop = Q()
        for shop in shops:
            if data.get("date_from") or data.get("date_to"):
                start, end = dates_range(data.get("date_from"), data.get("date_to"), shop.zone)
            else:
                start, end = period_range(data["period"], shop.zone, self.now)
            bounds = {"shop": shop.pk}
            if start:
                bounds[f"{column}__gte"] = start
            if end:
                bounds[f"{column}__lt"] = end
                # Paid, shipped… before `end` means created before it (a constraint says so):
                # the list then reads the creation index from `end` back, not from today.
                bounds["create_time__lt"] = end
            per_shop |= Q(**bounds)
        return queryset.filter(per_shop) if shops else queryset.none()

    # --- single-field filters ---------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied together in filter_queryset, or used by the view

    def filter_sku(self, queryset, name, value):
        lines = OrderLine.objects.filter(Q(seller_sku=value) | Q(sku_id=value))
        return queryset.filter(Exists(lines.filter(order=OuterRef("pk"))))

    def filter_category(self, queryset, name, values):
        lines = OrderLine.objects.filter(order=OuterRef("pk"), product_category__in=values)
        return queryset.filter(Exists(lines))

    def filter_payment_method(self, queryset, name, values):
        return self.filter_iexact_any(queryset, "payment_method_name", values)

    def filter_country(self, queryset, name, values):
        return queryset.filter(region_code__in=[v.upper() for v in values])

    def filter_iexact_any(self, queryset, name, values):
        return queryset.filter(_iexact_any(name, values))

    def filter_carrier(self, queryset, name, values):
        match = _iexact_any("shipping_provider_name", values)
        return queryset.filter(Exists(Package.objects.filter(match, order=OuterRef("pk"))))

    def filter_tracking_status(self, queryset, name, values):
        packages = Package.objects.filter(order=OuterRef("pk"), tracking_status__in=values)
        return queryset.filter(Exists(packages))

    def filter_delivery_option(self, queryset, name, values):
        return self.filter_iexact_any(queryset, "delivery_option_name", values)

    def filter_import_job(self, queryset, name, job):
        """The orders that import created or changed: its IMPORTED events name it."""
        return queryset.filter(pk__in=OrderEvent.objects.filter(import_job=job).values("order_id"))

    def filter_flag(self, queryset, name, value):
        flags = {
            "has_refund": Q(has_refund=True),  # read along its partial index
            "has_return": Q(
                Exists(OrderLine.objects.filter(order=OuterRef("pk"), returned_quantity__gt=0))
            ),
            # The insights' return rate counts these (orders/sales_terms.py).
            "refund_or_return": RETURNED,
            "has_buyer_message": ~Q(buyer_message=""),
            "risk": risk_q(),
        }
        condition = flags[name]
        return queryset.filter(condition if value == "1" else ~condition)

    def filter_shipped_late(self, queryset, name, value):
        """Handed to the carrier after the ship-by time (the insights' "Shipped late"); `0`:
        handed over by it. Orders not shipped, or without a deadline, are neither."""
        late = Q(collection_time__gt=F("shipping_due_time"))
        return queryset.filter(SHIPPED, late if value == "1" else ~late)

    def filter_request(self, queryset, name, value):
        """Orders with a buyer's request: one waiting for the seller's answer, or any
        cancellation or return request whatever became of it."""
        if value == "any_open":
            return queryset.filter(awaiting_request_q(self.now))
        requests = BuyerRequest.objects.filter(order=OuterRef("pk"), kind=value)
        return queryset.filter(Exists(requests))


def _iexact_any(field: str, values) -> Q:
    """Any of the values, letter case aside."""
    return Q(*[Q(**{f"{field}__iexact": value}) for value in values], _connector=Q.OR)


def filter_label(name: str) -> str:
    """The words a filter goes by on every page: the filter bar's label."""
    return OrderFilterSet.base_filters[name].label


def filter_choices(name: str) -> dict[str, str]:
    """A choice filter's values and their words."""
    return dict(OrderFilterSet.base_filters[name].extra["choices"])
