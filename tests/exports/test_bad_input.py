"""Exports validate their filters through the order list's FilterSet: filters the list
refuses are refused here with 400 and the reason, and nothing is queued for the worker."""

from urllib.parse import urlencode

import pytest

from exports.models import ExportJob

pytestmark = pytest.mark.django_db

REFUSED = [
    ({"city": "\x00"}, "City: Remove the control character U+0000"),
    ({"category": "Toys\x00"}, "control character U+0000"),
    ({"payment_method": "\x00"}, "Payment method: Remove the control character U+0000"),
    ({"country": "U\x00S"}, "control character U+0000"),
    ({"state": "\x00"}, "control character U+0000"),
    ({"postal_code": "\x00"}, "control character U+0000"),
    ({"carrier": "\x00"}, "Carrier: Remove the control character U+0000"),
    ({"delivery_option": "\x1b"}, "control character U+001B"),
    ({"q": "a\x00b"}, "control character U+0000"),
    ({"date_to": "9999-12-31"}, "Date to: Enter a date between 2000-01-01 and 2100-12-31"),
    ({"date_from": "0001-01-01"}, "Date from: Enter a date between 2000-01-01 and 2100-12-31"),
    ({"total_min": "\u0664\u0660"}, "Total at least: Enter an amount like 12.50"),
]


@pytest.mark.parametrize(("params", "reason"), REFUSED)
def test_filters_the_list_refuses_are_refused_and_nothing_is_queued(
    client, accountant, params, reason, django_capture_on_commit_callbacks
):
    client.force_login(accountant)
    data = {"query": urlencode(params), "format": "csv", "template": "tiktok_sku_list"}
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = client.post("/exports/", data)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not ExportJob.objects.exists() and not enqueued


@pytest.mark.parametrize(("params", "reason"), REFUSED)
def test_the_new_export_page_shows_what_is_wrong(client, accountant, params, reason):
    client.force_login(accountant)
    response = client.get("/exports/new/", params)
    assert response.status_code == 200
    assert reason in response.content.decode()


@pytest.mark.parametrize(("params", "reason"), REFUSED[:9] + REFUSED[11:])
def test_a_schedule_with_refused_filters_is_not_saved(client, accountant, shop, params, reason):
    from exports.models import ExportSchedule

    client.force_login(accountant)
    data = {
        "name": "Month end",
        "shop": shop.slug,
        "frequency": "monthly",
        "date_field": "paid",
        "format": "csv",
        "template": "orders",
        "query": urlencode(params),
    }
    response = client.post("/exports/schedules/new/", data)
    assert response.status_code == 400 and reason in response.content.decode()
    assert not ExportSchedule.objects.exists()
    named = client.post("/exports/schedules/new/", {**data, "query": "", "name": "Mon\x07th"})
    assert named.status_code == 400 and "U+0007" in named.content.decode()
    assert not ExportSchedule.objects.exists()


@pytest.mark.parametrize("slug", ["\x00", "north-shop\x00", "x" * 500])
def test_a_shop_parameter_the_database_cannot_take_is_refused(client, accountant, slug):
    client.force_login(accountant)
    data = {"query": urlencode({"shop": slug}), "format": "csv", "template": "orders"}
    response = client.post("/exports/", data)
    assert response.status_code == 400 and not ExportJob.objects.exists()
    assert client.get("/exports/new/", {"shop": slug}).status_code == 200
    assert client.get("/orders/", {"shop": slug}).status_code == 404


# Digits int() reads that are not 0–9 ('²' even makes int() fail), ids no database column
# holds (bigint ends at 2**63 - 1) and more digits than int() converts.
BAD_IDS = ["²", "٣", "３", str(2**63), "9" * 5000, "-1", "0", "1 ²"]


@pytest.mark.parametrize("ids", BAD_IDS)
def test_ticked_ids_the_database_cannot_take_are_refused_and_nothing_is_queued(
    client, accountant, ids, django_capture_on_commit_callbacks
):
    client.force_login(accountant)
    data = {"ids": ids, "format": "csv", "template": "orders"}
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = client.post("/exports/", data)
    assert response.status_code == 400
    assert "The ticked orders are not valid." in response.content.decode()
    assert not ExportJob.objects.exists() and not enqueued


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("name", "Books\x1b[2J", "U+001B"),
        ("name", "Bo\x00oks", "U+0000"),
        ("label_total", "Pa\x1bid", "U+001B"),
        ("label_total", "Paid\x7f", "U+007F"),
        ("pos_total", "\u0662", "digits 0–9"),  # int() would read it as 2
    ],
)
def test_a_report_with_control_characters_or_foreign_digits_is_not_saved(
    client, accountant, field, value, says
):
    from exports.models import ExportReport

    client.force_login(accountant)
    data = {"name": "Books", "col_total": "on", field: value}
    response = client.post("/exports/reports/new/", data)
    assert response.status_code == 400 and says in response.content.decode()
    assert not ExportReport.objects.exists()
