"""A search for several order ids says how many it found and which it did not
("3 order ids searched, 2 found. Not found: …")."""

import re
from html import unescape

import pytest

from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

MINE = ["576400000000000001", "576400000000000002"]
ELSEWHERE = "576400000000000099"  # held by a shop the user is not a member of
NOBODY = "579123400000000000"


@pytest.fixture
def held(shop, other_shop):
    for order_id in MINE:
        OrderFactory(shop=shop, order_id=order_id, status="IN_TRANSIT")
    OrderFactory(shop=other_shop, order_id=ELSEWHERE, status="IN_TRANSIT")


def note(client, **params) -> str:
    response = client.get("/orders/", params)
    assert response.status_code == 200
    found = re.search(r'<p class="message id-search-note">(.*?)</p>', response.text)
    return unescape(found.group(1)) if found else ""


def test_the_ids_not_found_are_named(client, admin, held):
    client.force_login(admin)
    text = note(client, q=f"{MINE[0]}, {MINE[1]} {NOBODY}")
    assert text == f"3 order ids searched, 2 found. Not found: {NOBODY}."


def test_another_shops_id_reads_not_found_like_any_unknown_id(client, admin, held):
    client.force_login(admin)
    response = client.get("/orders/", {"q": f"{MINE[0]} {ELSEWHERE}"})
    assert {row.order.order_id for row in response.context["page"].rows} == {MINE[0]}
    assert note(client, q=f"{MINE[0]} {ELSEWHERE}") == (
        f"2 order ids searched, 1 found. Not found: {ELSEWHERE}."
    )


def test_ids_the_other_filters_leave_out_are_told_apart(client, admin, shop, held):
    OrderFactory(shop=shop, order_id="576400000000000003", status="DELIVERED")
    client.force_login(admin)
    text = note(client, q=f"{MINE[0]} 576400000000000003 {NOBODY}", status="IN_TRANSIT")
    assert text == (
        "3 order ids searched, 1 found. "
        f"Not found: {NOBODY}. Left out by the other filters: 576400000000000003."
    )


def test_all_found_still_counts_and_repeats_count_once(client, admin, held):
    client.force_login(admin)
    assert note(client, q=f"{MINE[0]} {MINE[1]} {MINE[0]}") == "2 order ids searched, 2 found."


def test_a_long_list_of_missing_ids_is_cut_short(client, admin, held):
    missing = [f"5799{n:014d}" for n in range(15)]
    client.force_login(admin)
    text = note(client, q=" ".join([MINE[0], *missing]))
    assert text.startswith("16 order ids searched, 1 found. Not found: ")
    assert text.endswith(f"{missing[9]} and 5 more.")
    assert missing[10] not in text


def test_more_than_a_hundred_ids_say_which_were_searched(client, admin, held):
    many = [MINE[0], *[f"5798{n:014d}" for n in range(104)]]
    client.force_login(admin)
    text = note(client, q=",".join(many))
    assert text.startswith("100 order ids searched, 1 found.")
    assert text.endswith(
        "Only the first 100 of the 105 ids were searched; search the others separately."
    )


def test_one_id_or_free_text_has_no_note(client, admin, held):
    client.force_login(admin)
    assert note(client, q=MINE[0]) == ""
    assert note(client, q="olivia") == ""
    assert note(client, q=f"{MINE[0]} \x00") == ""  # refused: no search, no note
