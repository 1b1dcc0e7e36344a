"""/orders/ through HTTP: the All tab's number, the URLs the page builds and pushes, row
checkboxes per role, the pagination's total, and More filters left closed."""

import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from orders.models import SavedView
from orders.statuses import OrderStatus
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

# What a GET form sends when only the period was chosen: every other control, empty.
FORM_WITH_EMPTIES = (
    "q=&date_field=created&period=last_7d&date_from=&date_to=&sort=-created&per_page=25"
    "&sku=&carrier=&total_min=&total_max=&has_refund=&risk="
)


@pytest.fixture
def orders(shop):
    now = timezone.now()
    plan = [OrderStatus.IN_TRANSIT] * 3 + [OrderStatus.DELIVERED] * 2
    plan += [OrderStatus.AWAITING_SHIPMENT]
    return [
        OrderFactory(shop=shop, status=status, create_time=now - timedelta(days=1, minutes=n))
        for n, status in enumerate(plan)
    ]


def _counts(client, query: str) -> str:
    return client.get(f"/orders/counts/?{query}", HTTP_HX_REQUEST="true").content.decode()


def _all_tab(counts_html: str) -> str:
    return re.search(r">All <span class=\"count\">([^<]*)</span>", counts_html).group(1)


def test_the_all_tab_counts_every_status_while_one_is_selected(client, admin, orders, shop):
    OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT, create_time=timezone.now())
    old = OrderFactory(shop=shop, create_time=timezone.now() - timedelta(days=40))
    client.force_login(admin)
    in_transit = _counts(client, "status=IN_TRANSIT")
    assert _all_tab(in_transit) == "8"  # the shop's whole count, not the 4 in transit
    assert re.search(r">In transit <span class=\"count\">4</span>", in_transit)
    assert _all_tab(_counts(client, "")) == "8"
    # The other filters still apply: All counts what clicking it would list.
    assert _all_tab(_counts(client, "status=DELIVERED&period=last_7d")) == "7"
    assert old.order_id not in client.get("/orders/?period=last_7d").content.decode()


def test_links_the_page_builds_carry_only_the_parameters_that_are_set(client, admin, orders):
    client.force_login(admin)
    body = client.get(f"/orders/?{FORM_WITH_EMPTIES}").content.decode()
    links = re.findall(r'(?:href|hx-get)="/orders/(?:counts/)?\?([^"]*)"', body)
    assert links, "the page links to other lists"
    for link in links:
        empty = [key for key, value in parse_qsl(link.replace("&amp;", "&"), True) if not value]
        assert empty == [], f"a link carries empty parameters {empty}: ?{link}"


def test_htmx_pushes_the_address_without_empty_parameters(client, admin, orders):
    client.force_login(admin)
    response = client.get(
        f"/orders/?{FORM_WITH_EMPTIES}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    pushed = urlsplit(response["HX-Push-Url"])
    assert pushed.path == "/orders/"
    # The defaults the form always sends (date_field, sort, per_page) are not "set" either.
    assert parse_qsl(pushed.query, keep_blank_values=True) == [("period", "last_7d")]


DEFAULTS = {("date_field", "created"), ("sort", "-created"), ("per_page", "25")}


def test_links_and_the_pushed_address_leave_out_default_values(client, admin, orders):
    client.force_login(admin)
    form = "q=&date_field=created&sort=-created&per_page=25&payment_method=Visa"
    body = client.get(f"/orders/?{form}").content.decode()
    links = re.findall(r'(?:href|hx-get)="/orders/(?:counts/)?\?([^"]*)"', body)
    for link in links:
        pairs = set(parse_qsl(link.replace("&amp;", "&"), True))
        assert not pairs & DEFAULTS or link == "sort=-created", f"a link carries a default: ?{link}"
    pushed = client.get(f"/orders/?{form}", HTTP_HX_REQUEST="true")["HX-Push-Url"]
    assert pushed == "/orders/?payment_method=Visa"
    # Changed from the default, they are set and kept.
    changed = "date_field=paid&period=last_7d&sort=total&per_page=50"
    pushed = client.get(f"/orders/?{changed}", HTTP_HX_REQUEST="true")["HX-Push-Url"]
    assert pushed == f"/orders/?{changed}"


def test_with_nothing_set_the_pushed_address_is_bare_unless_a_default_view_would_open(
    client, admin, orders, shop
):
    client.force_login(admin)
    form = "q=&date_field=created&sort=-created&per_page=25"
    assert client.get(f"/orders/?{form}", HTTP_HX_REQUEST="true")["HX-Push-Url"] == "/orders/"
    SavedView.objects.create(
        owner=admin, shop=shop, name="Moving", query_string="status=IN_TRANSIT", is_default=True
    )
    assert client.get("/orders/")["Location"] == "/orders/?status=IN_TRANSIT"
    # Reloading the pushed address must not jump into the default view.
    pushed = client.get(f"/orders/?{form}", HTTP_HX_REQUEST="true")["HX-Push-Url"]
    assert pushed == "/orders/?sort=-created"
    assert client.get(pushed).status_code == 200


def test_a_view_saved_with_defaults_in_its_address_is_still_recognised(client, admin, shop):
    SavedView.objects.create(
        owner=admin,
        shop=shop,
        name="Moving",
        query_string="date_field=created&per_page=25&sort=-created&status=IN_TRANSIT",
    )
    client.force_login(admin)
    body = client.get("/orders/?status=IN_TRANSIT").content.decode()
    assert "Manage “Moving”" in body
    assert (
        "Manage “Moving”"
        in client.get("/orders/?status=IN_TRANSIT&sort=-created&per_page=25").content.decode()
    )
    # Saving drops the defaults too, so the two sides compare equal.
    client.post(
        "/orders/views/",
        {"name": "Big", "shop": shop.slug, "query_string": "total_min=100&sort=-created"},
    )
    assert SavedView.objects.get(name="Big").query_string == "total_min=100"
    assert "Manage “Big”" in client.get("/orders/?total_min=100").content.decode()


def test_the_counts_request_pushes_no_address(client, admin, orders):
    client.force_login(admin)
    assert "HX-Push-Url" not in client.get("/orders/counts/?q=", HTTP_HX_REQUEST="true")


@pytest.mark.parametrize(
    ("role_user", "ticks"),
    [("admin", True), ("accountant", True), ("viewer", False), ("cs_agent", False)],
)
def test_row_checkboxes_only_for_roles_with_a_bulk_action(
    client, orders, request, role_user, ticks
):
    client.force_login(request.getfixturevalue(role_user))
    body = client.get("/orders/").content.decode()
    assert ('name="ids"' in body) is ticks
    assert ('name="all_matching"' in body) is ticks


def test_pagination_shows_previous_next_and_the_capped_total(client, admin, shop):
    for n in range(30):
        OrderFactory(shop=shop, create_time=timezone.now() - timedelta(hours=n + 1))
    client.force_login(admin)
    second = client.get("/orders/?per_page=25&page=2").content.decode()
    nav = re.search(r'<nav class="pagination".*?</nav>', second, re.S).group(0)
    assert 'rel="prev"' in nav and "Previous" in nav
    assert "26–30" in nav
    first = client.get("/orders/?per_page=25").content.decode()
    nav = re.search(r'<nav class="pagination".*?</nav>', first, re.S).group(0)
    assert 'rel="next"' in nav and 'rel="prev"' not in nav
    # The total arrives with the counts, into the pagination (out of band), capped like them.
    counts = _counts(client, "per_page=25")
    total = re.search(r'<span id="page-total"[^>]*hx-swap-oob="true"[^>]*>(.*?)</span>', counts)
    assert total and total.group(1) == "30 orders"
    assert re.search(r"Showing 26–30 of\s+<span id=\"page-total\">", second)


def test_the_total_is_capped_as_the_counts_are(client, admin, orders, monkeypatch):
    import orders.selectors.order_counts as order_counts

    monkeypatch.setattr(order_counts, "COUNT_CAP", 4)
    client.force_login(admin)
    assert ">4+ orders<" in _counts(client, "")


@pytest.mark.parametrize(
    "query",
    ["needs_action=ship_within_24h", "tracking_status=IN_TRANSIT", "carrier=USPS&has_refund=1"],
)
def test_more_filters_stay_closed_whatever_the_filters(client, admin, orders, query):
    """Counters and saved views set filters that live under More filters; the results stay
    on screen, and the summary says how many are set there."""
    client.force_login(admin)
    body = client.get(f"/orders/?{query}").content.decode()
    details = re.search(r"<details class=\"more-filters\"[^>]*>", body).group(0)
    assert " open" not in details
    summary = re.search(r"<summary>More filters(.*?)</summary>", body, re.S).group(1)
    assert re.search(r"\d+ set", summary)


@pytest.mark.parametrize("sort", ["-created", "ship_by", "-paid"])
def test_previous_walks_keyset_pages_back_over_the_same_rows(client, admin, shop, sort):
    """Deep pages go by cursor; Previous from each leads back through the same pages."""
    base = timezone.now() - timedelta(days=1)
    for n in range(80):  # equal times force the id tie-breaker; some empty values sort last
        OrderFactory(
            shop=shop,
            order_id=f"5766{n:014d}",
            create_time=base - timedelta(minutes=n // 3),
            shipping_due_time=None if n % 7 == 0 else base + timedelta(hours=n // 4),
            paid_time=None if n % 5 == 0 else base + timedelta(minutes=n // 2),
        )
    import orders.selectors.order_list as order_list

    client.force_login(admin)
    original = order_list.SHALLOW_PAGES
    order_list.SHALLOW_PAGES = 1  # cursors straight after page one
    try:
        forward, url = [], f"/orders/?per_page=25&sort={sort}"
        while url:
            page = client.get(url).context["page"]
            forward.append([row.order.order_id for row in page.rows])
            url = f"/orders/{page.next_url}" if page.next_url else None
        assert [len(p) for p in forward] == [25, 25, 25, 5]
        assert len({i for p in forward for i in p}) == 80
        backward = [forward[-1]]
        while page.previous_url:
            page = client.get(f"/orders/{page.previous_url}").context["page"]
            backward.append([row.order.order_id for row in page.rows])
    finally:
        order_list.SHALLOW_PAGES = original
    assert backward == forward[::-1]


def test_a_page_past_the_numbered_pages_says_which_page_is_shown(client, admin, shop, monkeypatch):
    now = timezone.now()
    for n in range(30):
        OrderFactory(shop=shop, create_time=now - timedelta(minutes=n))
    monkeypatch.setattr("orders.selectors.order_list.SHALLOW_PAGES", 2)
    client.force_login(admin)
    response = client.get("/orders/?page=99999")
    assert response.context["page"].page == 2
    body = response.content.decode()
    assert (
        "Page 99,999 cannot be opened directly: pages are numbered up to 2, and Next → goes "
        "on from there. Showing page 2."
    ) in body
    assert "cannot be opened" not in client.get("/orders/?page=2").content.decode()


def test_a_page_past_the_last_one_says_so_instead_of_no_orders_match(client, admin, orders):
    client.force_login(admin)
    body = client.get("/orders/?page=4").content.decode()
    assert "Page 4 is past the end of these orders." in body
    assert "No orders match these filters." not in body
    assert "No orders on this page." in body
    assert 'class="page-link' not in body  # no numbers leading to more empty pages
    assert "is past the end" not in client.get("/orders/?page=1").content.decode()


def test_the_list_offers_its_own_shop_select_only_while_the_header_shows_several_shops(
    client, shop, other_shop
):
    """Review F19a: the header's switcher scopes the portal; the bar's Shop narrows the list."""
    from accounts.roles import Role
    from accounts.services import membership_grant
    from tests.accounts.factories import member

    user = member(shop=shop, role=Role.VIEWER, email="both@example.test")
    membership_grant(shop=other_shop, user=user, role=Role.VIEWER, actor=None)
    client.force_login(user)
    assert 'id="f-shop"' in client.get("/orders/").content.decode()
    client.post("/accounts/shop/", {"shop": other_shop.slug, "next": "/"})
    body = client.get("/orders/?sort=-created").content.decode()
    assert 'id="shop-switcher"' in body and 'id="f-shop"' not in body
    # A shared address that names a shop keeps the select, so the form sends it on.
    named = client.get(f"/orders/?shop={shop.slug}").content.decode()
    assert re.search(rf'<option value="{shop.slug}" selected>', named)
