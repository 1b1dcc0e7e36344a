"""The FilterSet's filters are copied shallowly (orders.filters.fields.QuickCopy): each
FilterSet still has filters of its own, so one person's shop choices never reach another's
and each filter's method is looked up on its own FilterSet; and the FilterSet's form takes
the fields made for it without Django's deep copy (FieldsOfOneForm)."""

from django.http import QueryDict

from orders.filters import OrderFilterSet
from orders.models import Order


def _filterset(shops):
    return OrderFilterSet(
        QueryDict(""), queryset=Order.objects.none(), shops=shops, unmasked_shop_ids=set()
    )


def test_each_filterset_has_its_own_filters_and_choices(shop, other_shop):
    north, south = _filterset([shop]), _filterset([other_shop])
    assert north.filters["shop"].extra["choices"] == [(shop.slug, shop.name)]
    assert south.filters["shop"].extra["choices"] == [(other_shop.slug, other_shop.name)]
    assert "choices" not in OrderFilterSet.base_filters["shop"].extra
    for name, filt in north.filters.items():
        assert filt is not south.filters[name] and filt is not OrderFilterSet.base_filters[name]
        assert filt.parent is north
        if filt.method is not None:
            assert filt.filter.f is filt  # django-filter finds `filter_…` on `north` through it


def test_the_copies_choices_are_shared_but_a_form_field_is_not(shop):
    first, second = _filterset([shop]), _filterset([shop])
    status = "status"
    assert first.filters[status].extra["choices"] is second.filters[status].extra["choices"]
    assert first.form.fields[status] is not second.form.fields[status]


def test_the_one_form_takes_its_fields_and_a_second_form_copies_them(shop):
    """orders.filters.fields.FieldsOfOneForm: no deep copy for the FilterSet's own form."""
    filterset = _filterset([shop])
    form_class = filterset.get_form_class()
    first, second = form_class(), form_class()
    assert first.fields["status"] is form_class.base_fields["status"]
    assert second.fields["status"] is not first.fields["status"]
    second.fields["shop"].choices = []
    assert (shop.slug, shop.name) in list(first.fields["shop"].choices)
