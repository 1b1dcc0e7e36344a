"""Finance in exports: the order-level finance columns of the catalogue, and the settlement
report per statement or month in CSV and Excel, started from the finance pages, scheduled
monthly and emailed; audited and refused like every export."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from exports.models import ExportJob, ExportSchedule, ExportStatus
from exports.schedules import schedule_create, schedules_run_due
from exports.services import ExportRefused, export_request
from exports.tasks import export_run
from tests.exports.helpers import as_dicts, csv_rows, generate, generate_csv, make_job, xlsx_rows
from tests.finance.page_data import signed_in

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
FINANCE_COLUMNS = [
    {"key": "order_id", "label": "Order ID"},
    {"key": "settlement", "label": "TikTok settlement"},
    {"key": "fees", "label": "TikTok fees"},
    {"key": "settled_shipping", "label": "TikTok shipping"},
    {"key": "statement_id", "label": "Statement ID"},
    {"key": "payout_id", "label": "Payout ID"},
]


def _by_order(rows):
    return {row["Order ID"]: row for row in as_dicts(rows)}


@pytest.mark.parametrize("use_copy", [False, True])
def test_finance_columns_at_order_level_from_the_matched_transactions(
    fin, accountant, tmp_path, use_copy
):
    job = make_job(accountant, [fin.shop], template="custom", columns=FINANCE_COLUMNS)
    rows = _by_order(generate_csv(job, tmp_path, use_copy=use_copy))
    a = rows[fin.order_a.order_id]
    assert (a["TikTok settlement"], a["TikTok fees"], a["TikTok shipping"]) == (
        "76.50",
        "-8.50",
        "-5.00",
    )
    assert a["Statement ID"] == fin.paid.statement_id
    assert a["Payout ID"] == fin.paid.tiktok_payment_id
    b = rows[fin.order_b.order_id]
    assert (b["TikTok settlement"], b["Payout ID"]) == ("19.00", "")  # not paid yet
    c = rows[fin.order_c.order_id]
    assert c["TikTok settlement"] == "" and c["Statement ID"] == ""  # not settled


def test_finance_columns_in_excel_are_numbers(fin, accountant, tmp_path):
    job = make_job(accountant, [fin.shop], template="custom", columns=FINANCE_COLUMNS)
    job.format = "xlsx"
    job.save(update_fields=["format"])
    _, path = generate(job, tmp_path)
    (sheet,) = xlsx_rows(path).values()
    rows = _by_order(sheet)
    assert float(rows[fin.order_a.order_id]["TikTok settlement"]) == 76.50


def test_finance_columns_need_the_finance_permission(fin, shop, tmp_path):
    from accounts.roles import Role
    from tests.accounts.factories import member

    viewer = member(shop=shop, role=Role.VIEWER)
    job = make_job(viewer, [shop], template="custom", columns=FINANCE_COLUMNS)
    from exports.generate import ExportFailed, export_generate

    with pytest.raises(ExportFailed):
        export_generate(job, tmp_path / "x.csv")


def test_settlement_report_of_a_statement_adds_up_to_the_cent(fin, accountant, tmp_path):
    query = f"shop=north-shop&statement={fin.paid.pk}"
    job = make_job(accountant, [fin.shop], template="settlement", query_string=query)
    generated, path = generate(job, tmp_path)
    header, *body = csv_rows(path.read_bytes())
    assert header[:3] == ["Shop", "Statement date", "Statement ID"]
    rows = [dict(zip(header, row, strict=True)) for row in body]
    *transactions, total = rows
    assert generated.rows == len(transactions) == 3
    by_order = {row["Order ID"]: row for row in transactions}
    a = by_order[fin.order_a.order_id]
    assert (a["Gross sales"], a["Seller discounts"], a["Fees"], a["Shipping"]) == (
        "100.00",
        "-10.00",
        "-8.50",
        "-5.00",
    )
    assert (a["Settlement"], a["Our order"], a["Payout status"]) == ("76.50", "Yes", "Paid")
    assert by_order["999000111"]["Our order"] == "No"
    assert (total["Type"], total["Currency"], total["Settlement"]) == (
        "Total of 3 transactions",
        "USD",
        "119.25",
    )
    assert total["Fees"] == "-11.50" and total["Adjustments"] == "-4.25"


def test_settlement_report_of_a_month_in_excel_keeps_currencies_apart(fin, accountant, tmp_path):
    job = make_job(
        accountant,
        [fin.shop, fin.gbp_shop],
        template="settlement",
        format="xlsx",
        query_string="month=2026-11",
    )
    _, path = generate(job, tmp_path)
    (sheet,) = xlsx_rows(path).values()
    header, *body = sheet
    rows = [dict(zip(header, row, strict=True)) for row in body]
    totals = {row["Currency"]: row for row in rows if str(row["Type"]).startswith("Total")}
    assert set(totals) == {"USD", "GBP"}
    assert float(totals["USD"]["Settlement"]) == 138.25
    assert float(totals["GBP"]["Settlement"]) == 40.00
    assert len(rows) == 5 + 2  # four North transactions and one Harbour, then two totals


def test_the_statement_page_starts_a_settlement_report_audited(fin, as_accountant, accountant):
    page = as_accountant.get(reverse("finance:statement", args=[fin.paid.pk])).content.decode()
    assert 'name="template" value="settlement"' in page
    response = as_accountant.post(
        reverse("exports:list"),
        {
            "template": "settlement",
            "format": "csv",
            "query": f"shop=north-shop&statement={fin.paid.pk}",
        },
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.template == "settlement" and list(job.shops.all()) == [fin.shop]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT_CREATED)
    assert (event.actor, event.payload["template"]) == (accountant, "settlement")
    listing = as_accountant.get(reverse("exports:list")).content.decode()
    assert f"Statement #{fin.paid.pk}" in listing


def test_a_settlement_report_naming_no_statements_is_refused(fin, accountant):
    from django.http import QueryDict

    with pytest.raises(ExportRefused, match="Choose a statement, a month"):
        export_request(
            user=accountant, query=QueryDict("shop=north-shop"), format="csv", template="settlement"
        )
    with pytest.raises(ExportRefused, match="Write the month"):
        export_request(
            user=accountant,
            query=QueryDict("shop=north-shop&month=2026-13"),
            format="csv",
            template="settlement",
        )
    assert not ExportJob.objects.exists()


def test_a_monthly_settlement_schedule_exports_last_months_statements_by_email(
    fin, accountant, django_capture_on_commit_callbacks
):
    schedule = schedule_create(
        owner=accountant,
        shop=fin.shop,
        name="Monthly settlement report",
        frequency="monthly",
        date_field="created",
        format="xlsx",
        template="settlement",
        now=datetime(2026, 11, 20, tzinfo=LA),
    )
    assert schedule.next_run_at == datetime(2026, 12, 1, 1, tzinfo=LA)
    with django_capture_on_commit_callbacks(execute=False):
        assert schedules_run_due(datetime(2026, 12, 1, 1, 0, tzinfo=LA)) == 1
    job = ExportJob.objects.get()
    assert "date_from=2026-11-01" in job.query_string and "date_to=2026-11-30" in job.query_string
    assert export_run(job.pk) == ExportStatus.DONE
    job.refresh_from_db()
    assert job.rows_total == 4  # North's four November transactions, not Harbour's
    assert job.file_name.endswith(".xlsx") and "settlement-report" in job.file_name
    (message,) = mail.outbox
    assert message.to == [accountant.email] and "Monthly settlement report" in message.subject


def test_the_schedule_form_comes_preselected_from_the_finance_pages(fin, as_accountant):
    page = as_accountant.get(reverse("finance:month", args=[2026, 11])).content.decode()
    assert "template=settlement" in page and "frequency=monthly" in page
    form = as_accountant.get(
        reverse("exports:schedule_create"),
        {"template": "settlement", "frequency": "monthly", "name": "Monthly settlement report"},
    )
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert (initial["template"], initial["frequency"]) == ("settlement", "monthly")
    assert "template" not in initial["query"]


def test_a_settlement_schedule_is_refused_without_finance(fin, shop):
    from accounts.roles import Role
    from tests.accounts.factories import member

    viewer = member(shop=shop, role=Role.VIEWER)
    with pytest.raises(ExportRefused):
        schedule_create(
            owner=viewer,
            shop=shop,
            name="x",
            frequency="monthly",
            date_field="created",
            format="csv",
            template="settlement",
        )
    assert not ExportSchedule.objects.exists()


def test_the_viewer_cannot_start_a_settlement_report(fin, viewer):
    response = signed_in(viewer).post(
        reverse("exports:list"),
        {"template": "settlement", "format": "csv", "query": "shop=north-shop&month=2026-11"},
    )
    assert response.status_code == 403
    assert not ExportJob.objects.exists()
