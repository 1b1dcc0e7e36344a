"""The finance pages on a fixed data set (tests/finance/page_data.py): sums to the cent,
currencies apart, another shop's statement a 404, roles without finance a 403."""

import pytest
from django.urls import reverse

from tests.finance.page_data import signed_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_statement_list_shows_each_statement_with_payout_and_counts(fin, as_accountant):
    response = as_accountant.get(reverse("finance:statements"), {"shop": "north-shop"})
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert [s.statement_date.isoformat() for s in rows] == ["2026-11-04", "2026-11-03"]
    paid = rows[1]
    assert (paid.transaction_count, paid.open_differences) == (3, 2)
    page = text(response)
    assert "119.25 USD" in page and "Paid" in page and "Processing" in page


def test_list_totals_never_add_currencies_together(fin, as_accountant):
    response = as_accountant.get(reverse("finance:statements"), {"month": "2026-11"})
    totals = {row["currency"]: row for row in response.context["totals"]}
    assert set(totals) == {"GBP", "USD"}
    assert str(totals["USD"]["settlement"]) == "138.25"  # 119.25 + 19.00
    assert str(totals["GBP"]["settlement"]) == "40.00"
    assert "South Shop" not in text(response)  # not the accountant's


def test_list_filters_by_payout_status_and_days(fin, as_accountant):
    url = reverse("finance:statements")
    processing = as_accountant.get(url, {"shop": "north-shop", "status": "PROCESSING"})
    assert [s.pk for s in processing.context["page"].object_list] == [fin.processing.pk]
    day = as_accountant.get(url, {"date_from": "2026-11-04", "date_to": "2026-11-04"})
    assert [s.pk for s in day.context["page"].object_list] == [fin.processing.pk]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"month": "2026-13"}, "Write the month as year and month"),
        ({"month": "2026-11", "date_from": "2026-11-01"}, "Choose a month or a span of days"),
        ({"date_from": "2026-11-05", "date_to": "2026-11-01"}, "The last day comes before"),
        ({"status": "LOST"}, "Select a valid choice"),
    ],
)
def test_bad_filters_get_a_sentence_not_a_500(fin, as_accountant, query, words):
    response = as_accountant.get(reverse("finance:statements"), query)
    assert response.status_code == 400
    assert words in text(response)


def test_unsettled_estimates_are_shown_apart(fin, as_accountant):
    response = as_accountant.get(reverse("finance:statements"), {"shop": "north-shop"})
    (usd,) = response.context["unsettled"].totals
    assert (usd["currency"], str(usd["settlement"]), usd["transactions"]) == ("USD", "25.00", 1)
    # The estimate is not in the settled totals.
    (settled,) = response.context["totals"]
    assert str(settled["settlement"]) == "138.25"


def test_statement_summary_adds_up_to_the_payout(fin, as_accountant):
    response = as_accountant.get(reverse("finance:statement", args=[fin.paid.pk]))
    assert response.status_code == 200
    summary = response.context["summary"]
    lines = dict(summary.lines)
    assert {k: str(v) for k, v in lines.items() if v} == {
        "Gross sales": "150.00",
        "Seller discounts": "-10.00",
        "Fees": "-11.50",
        "Shipping": "-5.00",
        "Adjustments": "-4.25",
    }
    assert str(summary.transactions) == str(summary.settlement) == "119.25"
    assert str(summary.payout) == "119.25" and summary.adds_up
    assert "Adds up to the cent" in text(response)


def test_statement_lists_transactions_with_their_breakdown_and_unknown_orders(fin, as_accountant):
    response = as_accountant.get(reverse("finance:statement", args=[fin.paid.pk]))
    page = text(response)
    assert reverse("orders:detail", args=[fin.order_a.order_id]) in page
    assert "999000111" in page and "not one of our orders" in page
    assert "Platform penalty" in page
    breakdown = {row["label"]: str(row["total"]) for row in response.context["breakdown"]}
    assert breakdown["TikTok Shop commission"] == "-9.00"
    assert breakdown["Transaction fee"] == "-2.50"
    assert breakdown["Buyer paid"] == "95.00"  # shown, for reference, never summed
    assert response.context["unmatched"] == 1


def test_a_statement_without_payment_says_not_paid(fin, as_accountant):
    response = as_accountant.get(reverse("finance:statement", args=[fin.processing.pk]))
    assert response.context["summary"].payout is None
    assert "Not paid yet" in text(response)


def test_another_shops_statement_is_a_404(fin, as_accountant, outsider):
    assert as_accountant.get(reverse("finance:statement", args=[fin.foreign.pk])).status_code == 404
    assert (
        signed_in(outsider).get(reverse("finance:statement", args=[fin.paid.pk])).status_code == 404
    )
    named = as_accountant.get(reverse("finance:statements"), {"shop": "south-shop"})
    assert named.status_code == 404


def test_month_summary_per_shop_and_currency(fin, as_accountant):
    response = as_accountant.get(reverse("finance:month", args=[2026, 11]))
    assert response.status_code == 200
    blocks = {block["shop"].slug: block["summaries"] for block in response.context["blocks"]}
    assert set(blocks) == {"north-shop", "harbour-shop"}
    (usd,) = blocks["north-shop"]
    assert (usd.currency, usd.statements, str(usd.settlement)) == ("USD", 2, "138.25")
    assert str(dict(usd.lines)["Fees"]) == "-12.50"
    assert str(usd.payout) == "119.25"  # the processing statement has no payment yet
    (gbp,) = blocks["harbour-shop"]
    assert (gbp.currency, str(gbp.settlement)) == ("GBP", "40.00")


def test_a_month_without_statements_says_so(fin, as_accountant):
    response = as_accountant.get(reverse("finance:month", args=[2025, 2]))
    assert "No statements in February 2025" in text(response)
    assert as_accountant.get("/finance/months/1999/13/").status_code == 404


@pytest.mark.parametrize("who", ["viewer", "cs_agent", "packer"])
def test_roles_without_finance_get_403(fin, who, request):
    client = signed_in(request.getfixturevalue(who))
    for url in (
        reverse("finance:statements"),
        reverse("finance:statement", args=[fin.paid.pk]),
        reverse("finance:month", args=[2026, 11]),
        reverse("finance:differences"),
    ):
        assert client.get(url).status_code == 403


def test_navigation_shows_finance_to_those_with_the_permission(fin, as_accountant, viewer):
    assert 'href="/finance/"' in text(as_accountant.get(reverse("home")))
    assert 'href="/finance/"' not in text(signed_in(viewer).get(reverse("home")))


def test_pages_have_no_inline_script(fin, as_accountant):
    for url in (
        reverse("finance:statements"),
        reverse("finance:statement", args=[fin.paid.pk]),
        reverse("finance:month", args=[2026, 11]),
        reverse("finance:differences"),
    ):
        page = text(as_accountant.get(url))
        assert "<script>" not in page and " style=" not in page and "onclick" not in page
