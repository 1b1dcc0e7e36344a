"""Saved views (personal, shared, default) and the rows a bulk action would apply to."""

import re

import pytest
from django.http import QueryDict

from orders.models import SavedView
from orders.selectors.selection import SelectionRefused, order_selection_resolve
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


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"name": "Mon\x07th"}, "Name: Remove the control character U+0007"),
        ({"query_string": "x" * 2001}, "The form was out of date; reload the page and try again."),
        ({"name": "", "query_string": "x" * 2001}, "Name: This field is required."),
    ],
)
def test_a_refused_view_says_why_as_a_person_reads_it(client, shop, viewer, fields, says):
    client.force_login(viewer)
    response = _save(client, **fields)
    (shown,) = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert shown.startswith("The view was not saved: ") and says in shown
    assert "Query string" not in shown and "query_string" not in shown
    assert not SavedView.objects.exists()


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


@pytest.fixture
def count_action():
    """A bulk action as a feature would register one; it reports what it was given."""
    from django.http import HttpResponse

    from accounts.roles import Perm
    from orders.bulk_actions import BULK_ACTIONS, BulkAction, bulk_action_register

    def run(request, orders):
        return HttpResponse(",".join(sorted(orders.values_list("order_id", flat=True))))

    bulk_action_register(BulkAction("count", "Count them", Perm.EXPORT_ORDERS, run))
    yield
    BULK_ACTIONS.pop("count")


def test_bulk_action_gets_ticked_or_all_matching_orders_of_my_shops(
    client, shop, other_shop, accountant, count_action
):
    a = OrderFactory(shop=shop, status="IN_TRANSIT", order_id="576500000000000001")
    OrderFactory(shop=shop, status="COMPLETED", order_id="576500000000000002")
    theirs = OrderFactory(shop=other_shop, status="IN_TRANSIT")
    client.force_login(accountant)
    assert "Count them" in client.get("/orders/").content.decode()
    ticked = client.post("/orders/bulk/", {"action": "count", "ids": [a.pk, theirs.pk]})
    assert ticked.content.decode() == a.order_id
    matching = client.post(
        "/orders/bulk/", {"action": "count", "all_matching": "1", "query": "status=IN_TRANSIT"}
    )
    assert matching.content.decode() == a.order_id


def test_bulk_action_needs_its_permission_and_a_selection(
    client, shop, viewer, accountant, count_action
):
    OrderFactory(shop=shop)
    client.force_login(viewer)
    assert "Count them" not in client.get("/orders/").content.decode()
    assert client.post("/orders/bulk/", {"action": "count", "all_matching": "1"}).status_code == 403
    client.force_login(accountant)
    for data in ({"action": "nope", "all_matching": "1"}, {"action": "count", "ids": ["x"]}):
        response = client.post("/orders/bulk/", data)
        assert response.status_code == 302 and response["Location"].startswith("/orders/")


@pytest.mark.parametrize("ids", ["²", "٣", "３", str(2**63), "9" * 5000, "-1"])
def test_ticked_ids_the_database_cannot_take_select_nothing(
    client, shop, accountant, count_action, ids
):
    OrderFactory(shop=shop)
    client.force_login(accountant)
    response = client.post("/orders/bulk/", {"action": "count", "ids": [ids]})
    assert response.status_code == 302 and response["Location"].startswith("/orders/")
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert shown == ["Select at least one order, or all matching orders."]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("status=IN_TRANSIT&city=%00", "City: Remove the control character U+0000"),
        ("date_to=9999-12-31", "between 2000-01-01 and 2100-12-31"),
    ],
)
def test_all_matching_with_a_refused_filter_is_refused_and_runs_nothing(
    client, shop, accountant, count_action, query, reason
):
    OrderFactory(shop=shop, status="IN_TRANSIT")
    client.force_login(accountant)
    data = {"action": "count", "all_matching": "1", "query": query}
    response = client.post("/orders/bulk/", data)
    assert response.status_code == 302 and response["Location"].startswith("/orders/")
    (shown,) = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert shown.startswith("Nothing was done: correct these filters first.") and reason in shown
    with pytest.raises(SelectionRefused, match=re.escape(reason)):
        order_selection_resolve(user=accountant, ids=[], all_matching=True, query=QueryDict(query))
