"""Saved views (personal, shared, default) and the rows a bulk action would apply to."""

import pytest
from django.http import QueryDict

from orders.models import SavedView
from orders.services.selection import order_selection_resolve
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _save(client, **fields):
    data = {"name": "In transit", "shop": "north-shop", "query_string": "status=IN_TRANSIT"}
    data.update(fields)
    return client.post("/orders/views/", data)


def test_save_a_personal_view_and_open_it_by_default(client, shop, viewer):
    client.force_login(viewer)
    response = _save(client, make_default="on")
    assert response["Location"] == "/orders/?status=IN_TRANSIT"
    view = SavedView.objects.get()
    assert (view.owner, view.is_default, view.query_string) == (viewer, True, "status=IN_TRANSIT")
    assert client.get("/orders/")["Location"] == "/orders/?status=IN_TRANSIT"
    assert client.get("/orders/?sort=-created").status_code == 200  # "clear all" stays put


def test_only_shop_administrators_share_views(client, shop, viewer, admin):
    client.force_login(viewer)
    _save(client, shared="on")
    assert not SavedView.objects.exists()
    client.force_login(admin)
    _save(client, shared="on", make_default="on")
    shared = SavedView.objects.get()
    assert shared.owner is None and shared.is_default
    client.force_login(viewer)  # the shop's default applies to members without their own
    assert client.get("/orders/")["Location"] == "/orders/?status=IN_TRANSIT"
    response = client.post(f"/orders/views/{shared.pk}/", {"action": "delete"})
    assert response.status_code == 302 and SavedView.objects.filter(pk=shared.pk).exists()


def test_rename_make_default_and_delete(client, shop, viewer):
    client.force_login(viewer)
    _save(client)
    _save(client, name="Big orders", query_string="total_min=100")
    first, second = SavedView.objects.order_by("pk")
    client.post(f"/orders/views/{first.pk}/", {"action": "rename", "name": "Moving"})
    client.post(f"/orders/views/{second.pk}/", {"action": "default"})
    client.post(f"/orders/views/{first.pk}/", {"action": "default"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, first.is_default, second.is_default) == ("Moving", True, False)
    client.post(f"/orders/views/{first.pk}/", {"action": "delete"})
    assert list(SavedView.objects.all()) == [second]


def test_bad_saved_view_input_changes_nothing(client, shop, other_shop, viewer):
    client.force_login(viewer)
    _save(client, name="  ")
    _save(client, shop=other_shop.slug)
    _save(client)
    _save(client)  # the same name twice
    assert SavedView.objects.count() == 1
    other = SavedView.objects.create(name="theirs", shop=other_shop, query_string="")
    assert client.post(f"/orders/views/{other.pk}/", {"action": "delete"}).status_code == 404


def test_selection_never_leaves_the_users_shops(shop, other_shop, viewer):
    mine = OrderFactory(shop=shop, status="IN_TRANSIT")
    OrderFactory(shop=shop, status="COMPLETED")
    theirs = OrderFactory(shop=other_shop, status="IN_TRANSIT")
    ticked = order_selection_resolve(
        user=viewer, ids=[str(mine.pk), str(theirs.pk), "x"], all_matching=False, query=QueryDict()
    )
    assert list(ticked) == [mine]
    matching = order_selection_resolve(
        user=viewer, ids=[], all_matching=True, query=QueryDict("status=IN_TRANSIT")
    )
    assert list(matching) == [mine]
