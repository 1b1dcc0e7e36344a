"""Header cells are as formula-safe as data cells, and an export of nothing is a finished file
holding the header row."""

import pytest

from exports.models import ExportStatus
from tests.exports.helpers import SKU_LIST_HEADER, csv_rows, generate, make_job, xlsx_rows

pytestmark = pytest.mark.django_db
HOSTILE_LABELS = ["=cmd|' /C calc'!A0", "+SUM(1)", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]
# Searched by someone who sees buyers masked, a word no product has can match no order at all:
# the filter becomes `pk IN ()`, which has no SQL.
NOTHING = "q=nothing-is-called-this"


@pytest.mark.parametrize("use_copy", [False, True], ids=["orm", "copy"])
def test_an_empty_csv_export_is_the_header_row(accountant, shop, tmp_path, use_copy):
    job = make_job(accountant, [shop], query_string=NOTHING)
    generated, path = generate(job, tmp_path, use_copy=use_copy)
    assert generated.rows == 0
    assert csv_rows(path.read_bytes()) == [SKU_LIST_HEADER]


def test_an_empty_xlsx_export_is_the_header_row(accountant, shop, tmp_path):
    job = make_job(accountant, [shop], format="xlsx", query_string=NOTHING)
    generated, path = generate(job, tmp_path)
    assert generated.rows == 0
    assert xlsx_rows(path) == {"Orders": [SKU_LIST_HEADER]}


def test_an_empty_export_finishes_through_the_task(accountant, shop):
    from exports.tasks import export_run

    job = make_job(accountant, [shop], query_string=NOTHING)
    export_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.error) == (ExportStatus.DONE, 0, "")
    assert csv_rows(job.file.read()) == [SKU_LIST_HEADER]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_stored_hostile_headers_are_neutralised_like_data_cells(admin, shop, tmp_path, file_format):
    columns = [{"key": "order_id", "label": label} for label in HOSTILE_LABELS[:1]] + [
        {"key": key, "label": label}
        for key, label in zip(
            ("total", "status", "buyer_username", "seller_sku", "recipient_name"),
            HOSTILE_LABELS[1:],
            strict=True,
        )
    ]
    job = make_job(admin, [shop], template="custom", columns=columns, format=file_format)
    _, path = generate(job, tmp_path)
    if file_format == "csv":
        header = csv_rows(path.read_bytes())[0]
    else:
        header = list(xlsx_rows(path)["Orders"][0])
    # Leading tabs and returns are trimmed off a header when it is saved; the rest get a quote.
    assert header == ["'" + label for label in HOSTILE_LABELS[:4]] + ["Tab", "Return"]


@pytest.mark.parametrize("label", HOSTILE_LABELS[:4])
def test_the_report_form_refuses_a_header_that_could_start_a_formula(client, admin, label):
    from exports.models import ExportReport

    client.force_login(admin)
    response = client.post(
        "/exports/reports/new/",
        {"name": "Month end", "col_order_id": "on", "label_order_id": label},
    )
    assert response.status_code == 400  # the form again, with the error beside the header
    assert "cannot start with =, +, - or @" in response.content.decode()
    assert not ExportReport.objects.exists()
