"""The filter and form classes the order list's FilterSet is declared with."""

import copy

import django_filters
from django import forms
from django.utils.translation import ngettext

from orders.filters.choices import DEFAULT_SORT, KNOWN_SET_FILTERS
from orders.form_fields import (
    BoundedDateField,
    MoneyField,
    PlainTextField,
    PlainTextListField,
    WholeNumberField,
    row_id,
)
from orders.keyset import BadCursor, cursor_read


class QuickCopy:
    """A filter that a FilterSet copies in microseconds. django-filter deep-copies every
    declared filter for each FilterSet it makes, their fixed choices included; about 35 of
    them are 2 ms of each order-list request (docs/benchmarks.md, "Order list and detail").
    A copy shares what no request changes (labels, choices) and has its own `extra`, its
    own method binding (django-filter's FilterMethod finds the FilterSet through the filter
    it was made for) and no cached form field."""

    def __deepcopy__(self, memo):
        clone = copy.copy(self)
        clone.extra = dict(self.extra)
        clone.__dict__.pop("_field", None)
        if clone.method is not None:
            clone.method = clone.method  # a FilterMethod of the clone's own
        return clone


class FieldsOfOneForm(dict):
    """A form class's fields that only its one form will use. Django deep-copies a form
    class's fields into each form it makes (about 2 ms for the order list's 35, their choices
    and lazy labels included); django-filter makes a form class for each FilterSet from
    fields made for that FilterSet alone (QuickCopy drops the cached one), and one form of
    it. That form takes them as they are; a second form of the same class copies them."""

    taken = False

    def __deepcopy__(self, memo):
        if self.taken:
            return copy.deepcopy(dict(self), memo)
        self.taken = True
        return dict(self)


class ChoiceFilter(QuickCopy, django_filters.ChoiceFilter):
    pass


class MultipleChoiceFilter(QuickCopy, django_filters.MultipleChoiceFilter):
    pass


class MultiValueFilter(QuickCopy, django_filters.Filter):
    field_class = PlainTextListField

    def filter(self, qs, value):
        return qs if not value else super().filter(qs, value)


class PlainTextFilter(QuickCopy, django_filters.CharFilter):
    field_class = PlainTextField


class BoundedDateFilter(QuickCopy, django_filters.DateFilter):
    field_class = BoundedDateField


class MoneyFilter(QuickCopy, django_filters.NumberFilter):
    field_class = MoneyField


class WholeNumberFilter(QuickCopy, django_filters.NumberFilter):
    field_class = WholeNumberField


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


class ImportJobFilter(QuickCopy, django_filters.ModelChoiceFilter):
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
            cursor_read(cursor, data.get("sort") or DEFAULT_SORT)
        except BadCursor as error:
            self.add_error("cursor", str(error))


def _not_in(values: list[str], known: list[str]) -> list[str]:
    """The values that are none of `known`, letter case aside (the filters ignore it)."""
    folded = {value.casefold() for value in known}
    return [value for value in values if value.casefold() not in folded]
