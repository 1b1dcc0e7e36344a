"""The FilterSet's filters are copied shallowly (orders.filters.fields.QuickCopy): each
FilterSet still has filters of its own, so one person's shop choices never reach another's
and each filter's method is looked up on its own FilterSet."""

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
