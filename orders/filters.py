"""The order list's filters (docs/order-list.md), validated from the query string by one FilterSet.

The same FilterSet drives the list page and exports, so the two cannot disagree.
Repeated keys are OR within one filter; different filters AND. Dates are read in each shop's
own zone. Buyer fields a user may not see unmasked are not searched for that user.
"""

import re

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import ngettext

from imports.models import ImportJob
from orders.form_fields import (
    BoundedDateField,
    MoneyField,
    PlainTextField,
    PlainTextListField,
    WholeNumberField,
    row_id,
)
from orders.keyset import BadCursor, cursor_read
from orders.models import Order, OrderEvent, OrderLine, Package
from orders.needs_action import DEADLINE_NEEDS_ACTION, NEEDS_ACTION, needs_action_q
from orders.periods import PERIODS, dates_range, period_range
from orders.statuses import FulfillmentType, OrderStatus, TrackingStatus

YES_NO = (("1", "Yes"), ("0", "No"))
DATE_FIELDS = {
    "created": "create_time",
    "paid": "paid_time",
    "shipped": "collection_time",
    "delivered": "delivery_time",
    "updated": "update_time",
}
DATE_FIELD_LABELS = {
    "created": "Created",
    "paid": "Paid",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "updated": "Updated",
}
SORTS = {
    "-created": "Newest first",
    "created": "Oldest first",
    "-paid": "Recently paid",
    "-total": "Highest total",
    "total": "Lowest total",
    "-updated": "Recently updated",
    "ship_by": "Ship-by deadline",
}
PER_PAGE = ("25", "50", "100", "200")
MAX_ORDER_IDS = 100
# Filters whose values are a list of those the shop's orders hold (orders/selectors/filter_values)
KNOWN_SET_FILTERS = ("payment_method", "country", "carrier", "delivery_option")
SEARCH_MATCH_CAP = 2000  # keys fetched for a rare word; a broader search should be narrowed
RECENT_ORDERS = 2000  # how far back a word is tried to decide whether it is common
RECENT_HITS_FOR_INLINE = 25
ORDER_ID = re.compile(r"^\d{18,19}$")
# Buyer fields searched by `q` and `buyer`; masked for roles without "see buyer contact".
CONTACT_SEARCH_FIELDS = ("buyer_username", "recipient_name", "buyer_email", "recipient_phone")


class MultiValueFilter(django_filters.Filter):
    field_class = PlainTextListField

    def filter(self, qs, value):
        return qs if not value else super().filter(qs, value)


class PlainTextFilter(django_filters.CharFilter):
    field_class = PlainTextField


class BoundedDateFilter(django_filters.DateFilter):
    field_class = BoundedDateField


class MoneyFilter(django_filters.NumberFilter):
    field_class = MoneyField


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberField


def risk_q() -> Q:
    """Orders with a risk indicator that can be told from the order alone."""
    different_country = (
        ~Q(billing_region_code="") & ~Q(region_code="") & ~Q(billing_region_code=F("region_code"))
    )
    return different_country | Q(is_buyer_request_cancel=True)


def _common_or_keys(matches, recent_hits: int, condition: Q) -> Q:
    """Plan a contains-search by how common the word is among the newest orders.

    Common (a page of hits among the newest orders): keep the condition in the rows query,
    which finds the first page by walking the newest orders. Rare: fetch the matching keys
    through the trigram index, which is quick when there are few. Every match counts either
    way; only the plan differs (a word rarer among the newest orders than overall, with more
    than SEARCH_MATCH_CAP matches, stays in the rows query too).
    """
    if recent_hits >= RECENT_HITS_FOR_INLINE:
        return condition
    keys = list(matches[: SEARCH_MATCH_CAP + 1])
    return condition if len(keys) > SEARCH_MATCH_CAP else Q(pk__in=keys)


class ImportJobField(forms.ModelChoiceField):
    """An import job of the user's shops by its number (the filterset sets the queryset)."""

    default_error_messages = {
        "invalid_choice": "No import with that number in your shops; open it from the import page."
    }

    def to_python(self, value):
        if value not in self.empty_values and row_id(value) is None:
            message = self.error_messages["invalid_choice"]
            raise forms.ValidationError(message, code="invalid_choice")
        return super().to_python(value)


class ImportJobFilter(django_filters.ModelChoiceFilter):
    field_class = ImportJobField


class OrderFilterForm(forms.Form):
    """Checks that span two fields; each field checks itself."""

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        low, high = data.get("total_min"), data.get("total_max")
        if low is not None and high is not None and low > high:
            self.add_error("total_max", "The maximum is below the minimum.")
        self._clean_position(data)
        self._clean_known_values(data)
        return data

    known_values = None  # set by OrderFilterSet: fresh → {filter: the values its orders hold}

    def _clean_known_values(self, data) -> None:
        """A payment method, country, carrier or delivery option must be one of the list's:
        one of those the orders hold (read again, uncached, before refusing)."""
        asked = {name: data[name] for name in KNOWN_SET_FILTERS if data.get(name)}
        if not asked or self.known_values is None:
            return
        known = self.known_values(fresh=False)
        if any(_not_in(values, known[name]) for name, values in asked.items()):
            known = self.known_values(fresh=True)
        for name, values in asked.items():
            unknown = _not_in(values, known[name])
            if unknown:
                named = ", ".join(f"“{value}”" for value in unknown)
                self.add_error(
                    name,
                    ngettext(
                        "%(named)s is not in the list: none of your orders has it.",
                        "%(named)s are not in the list: none of your orders has them.",
                        len(unknown),
                    )
                    % {"named": named},
                )

    def _clean_position(self, data) -> None:
        """A page is either numbered (`page`) or continued from a row (`cursor`), not both;
        a cursor must be ours and made for the sort order asked for."""
        cursor = data.get("cursor")
        if not cursor:
            return
        if data.get("page") is not None:
            self.add_error("page", "Use either a page number or a page link, not both.")
        try:
            cursor_read(cursor, data.get("sort") or "-created")
        except BadCursor as error:
            self.add_error("cursor", str(error))


def _not_in(values: list[str], known: list[str]) -> list[str]:
    """The values that are none of `known`, letter case aside (the filters ignore it)."""
    folded = {value.casefold() for value in known}
    return [value for value in values if value.casefold() not in folded]


def parse_order_ids(text: str) -> list[str] | None:
    """Order ids separated by commas or spaces, or None when the text is not only ids."""
    tokens = [t for t in re.split(r"[\s,;]+", text.strip()) if t]
    if tokens and all(ORDER_ID.match(t) for t in tokens):
        return tokens
    return None


class OrderFilterSet(django_filters.FilterSet):
    """Every parameter of the order list. Construct with the shops the user may view."""

    # Labels are what the filter bar shows: refusals name the filter with them ("Total at
    # least: …"), where django-filter would make "Total amount is greater than or equal to".
    shop = django_filters.ChoiceFilter(method="filter_nothing", label="Shop")  # choices: mine
    status = django_filters.MultipleChoiceFilter(
        distinct=False, choices=OrderStatus.choices, label="Status"
    )
    period = django_filters.ChoiceFilter(
        choices=list(PERIODS.items()), method="filter_nothing", label="Period"
    )
    date_field = django_filters.ChoiceFilter(
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
    tracking_status = django_filters.MultipleChoiceFilter(
        distinct=False,
        choices=TrackingStatus.choices,
        method="filter_tracking_status",
        label="Tracking",
    )
    fulfillment_type = django_filters.MultipleChoiceFilter(
        distinct=False, choices=FulfillmentType.choices, label="Fulfilment"
    )
    delivery_option = MultiValueFilter(method="filter_delivery_option", label="Delivery option")
    has_refund = django_filters.ChoiceFilter(choices=YES_NO, method="filter_flag", label="Refund")
    has_return = django_filters.ChoiceFilter(choices=YES_NO, method="filter_flag", label="Return")
    has_buyer_message = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_flag", label="Buyer message"
    )
    risk = django_filters.ChoiceFilter(choices=YES_NO, method="filter_flag", label="Risk")
    needs_action = django_filters.MultipleChoiceFilter(
        distinct=False,
        choices=list(NEEDS_ACTION.items()),
        method="filter_needs_action",
        label="Needs action",
    )
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()), method="filter_nothing", label="Sort"
    )
    per_page = django_filters.ChoiceFilter(
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
            queryset = queryset.filter(
                self._contact_q(data["buyer"], ("buyer_username", "recipient_name"))
            )
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

    def _contact_q(self, text: str, fields) -> Q:
        """Contains-search on buyer fields, only in shops where the user sees them unmasked."""
        shop_ids = [s.pk for s in self.selected_shops if s.pk in self.unmasked_shop_ids]
        if not shop_ids:
            return Q(pk__in=[])
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": text})
        return Q(shop__in=shop_ids) & match

    def search_q(self, text: str) -> Q:
        """Order ids (up to 100 at once), tracking number, seller SKU, buyer or product.

        Identifiers are looked up first, each on its own index; when one matches, that is what
        the person typed. Otherwise the text is searched inside buyer fields and product names,
        each planned by how many orders it matches (see `_common_or_keys`).
        """
        text = text.strip()
        ids = parse_order_ids(text)
        if ids is not None:  # the first 100 different ids (the list's note says so)
            return Q(order_id__in=list(dict.fromkeys(ids))[:MAX_ORDER_IDS])
        shop_ids = [s.pk for s in self.selected_shops]
        in_shops = {"order__shop_id__in": shop_ids}
        exact = [OrderLine.objects.filter(seller_sku=text, **in_shops).values_list("order_id")]
        if text.isdigit():  # order ids are digits
            exact.append(
                Order.objects.filter(shop_id__in=shop_ids, order_id=text).values_list("pk")
            )
        if not any(char.isspace() for char in text):  # tracking numbers have no spaces
            exact.append(
                Package.objects.filter(tracking_number=text, **in_shops).values_list("order_id")
            )
        found = Q()
        for source in exact:
            keys = [key for (key,) in source[: SEARCH_MATCH_CAP + 1]]
            if len(keys) > SEARCH_MATCH_CAP:  # a best-selling SKU: every order, by subquery
                found |= Q(pk__in=source)
            elif keys:
                found |= Q(pk__in=keys)
        if found:
            return found
        contacts = self._contact_q(text, CONTACT_SEARCH_FIELDS)
        lines = OrderLine.objects.filter(product_name__icontains=text, **in_shops)
        return _common_or_keys(
            Order.objects.filter(contacts).values_list("pk", flat=True),
            self._recent_contact_hits(text),
            contacts,
        ) | _common_or_keys(
            lines.values_list("order_id", flat=True),
            # the newest orders are of the selected shops already: no join to orders needed
            OrderLine.objects.filter(
                product_name__icontains=text, order_id__in=self.recent_order_keys()
            ).count(),
            Q(pk__in=lines.values("order_id")),
        )

    def _recent_contact_hits(self, text: str) -> int:
        """How many of the newest orders the text is in (buyer fields the user sees unmasked),
        counted here: in SQL, PostgreSQL tends to read every match through the trigram index
        first, which costs the most for the most common names."""
        needle = text.casefold()
        return sum(
            1
            for shop_id, *values in self._recent_orders()[1]
            if shop_id in self.unmasked_shop_ids
            and any(needle in (value or "").casefold() for value in values)
        )

    # --- single-field filters ---------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied together in filter_queryset, or used by the view

    def filter_sku(self, queryset, name, value):
        lines = OrderLine.objects.filter(Q(seller_sku=value) | Q(sku_id=value))
        return queryset.filter(Exists(lines.filter(order=OuterRef("pk"))))

    def filter_product(self, queryset, name, value):
        shops = [s.pk for s in self.selected_shops]
        lines = OrderLine.objects.filter(order__shop_id__in=shops, product_name__icontains=value)
        return queryset.filter(
            _common_or_keys(
                lines.values_list("order_id", flat=True),
                lines.filter(order_id__in=self.recent_order_keys()).count(),
                Q(pk__in=lines.values("order_id")),
            )
        )

    def recent_order_keys(self) -> list[int]:
        """The newest orders of the selected shops, to tell common words from rare ones."""
        return self._recent_orders()[0]

    def _recent_orders(self) -> tuple[list[int], list[tuple]]:
        """(keys, (shop id, *buyer fields) rows) of the newest orders, read once."""
        if not hasattr(self, "_recent"):
            shops = [s.pk for s in self.selected_shops]
            rows = list(
                Order.objects.filter(shop_id__in=shops)
                .order_by("-create_time")
                .values_list("pk", "shop_id", *CONTACT_SEARCH_FIELDS)[:RECENT_ORDERS]
            )
            self._recent = ([row[0] for row in rows], [row[1:] for row in rows])
        return self._recent

    def filter_category(self, queryset, name, values):
        lines = OrderLine.objects.filter(order=OuterRef("pk"), product_category__in=values)
        return queryset.filter(Exists(lines))

    def filter_payment_method(self, queryset, name, values):
        return self.filter_iexact_any(queryset, "payment_method_name", values)

    def filter_country(self, queryset, name, values):
        return queryset.filter(region_code__in=[v.upper() for v in values])

    def filter_iexact_any(self, queryset, name, values):
        match = Q()
        for value in values:
            match |= Q(**{f"{name}__iexact": value})
        return queryset.filter(match)

    def filter_carrier(self, queryset, name, values):
        match = Q()
        for value in values:
            match |= Q(shipping_provider_name__iexact=value)
        return queryset.filter(Exists(Package.objects.filter(match, order=OuterRef("pk"))))

    def filter_tracking_status(self, queryset, name, values):
        packages = Package.objects.filter(order=OuterRef("pk"), tracking_status__in=values)
        return queryset.filter(Exists(packages))

    def filter_delivery_option(self, queryset, name, values):
        return self.filter_iexact_any(queryset, "delivery_option_name", values)

    def filter_needs_action(self, queryset, name, values):
        """Orders needing a person are few: their keys come first from the small indexes that
        cover them (deadlines of orders to ship, refund requests, tracking problems), and the
        rows query reads just those instead of walking the newest orders past thousands."""
        shops = [s.pk for s in self.selected_shops]
        match = Q()
        for code in values:
            condition = needs_action_q(code, self.now, user=self.user)
            keys = Order.objects.filter(condition, shop_id__in=shops).values_list("pk", flat=True)
            if code in DEADLINE_NEEDS_ACTION:  # read along the partial index on deadlines
                keys = keys.order_by("shipping_due_time")
            found = list(keys[: SEARCH_MATCH_CAP + 1])
            match |= Q(pk__in=found) if len(found) <= SEARCH_MATCH_CAP else condition
        return queryset.filter(match)

    def filter_import_job(self, queryset, name, job):
        """The orders that import created or changed: its IMPORTED events name it."""
        return queryset.filter(pk__in=OrderEvent.objects.filter(import_job=job).values("order_id"))

    def filter_flag(self, queryset, name, value):
        flags = {
            "has_refund": Q(has_refund=True),  # read along its partial index
            "has_return": Q(
                Exists(OrderLine.objects.filter(order=OuterRef("pk"), returned_quantity__gt=0))
            ),
            "has_buyer_message": ~Q(buyer_message=""),
            "risk": risk_q(),
        }
        condition = flags[name]
        return queryset.filter(condition if value == "1" else ~condition)
