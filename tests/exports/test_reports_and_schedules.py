"""Custom reports and schedules are written by their services, each change audited; bad input
is refused with its reason and changes nothing, over HTTP as through the service."""

import pytest

from accounts.models import AuditAction, AuditEvent
from exports.exceptions import ReportRefused
from exports.models import ExportJob, ExportReport, ExportSchedule
from exports.reports import report_delete, report_save
from exports.schedules import schedule_create, schedule_delete
from exports.services import ExportRefused

pytestmark = pytest.mark.django_db
COLUMNS = [{"key": "order_id", "label": "Order"}, {"key": "total", "label": "Paid"}]
SCHEDULE = {
    "name": "Month end",
    "shop": "north-shop",
    "frequency": "monthly",
    "date_field": "paid",
    "format": "xlsx",
    "template": "orders",
    "query": "status=COMPLETED",
}


def _audited(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def _schedule(owner, shop, **fields) -> ExportSchedule:
    options = {"name": "Weekly", "frequency": "weekly", "date_field": "created"}
    options |= {"format": "csv", "template": "orders", **fields}
    return schedule_create(owner=owner, shop=shop, **options)


# Reports ----------------------------------------------------------------------------------


def test_a_report_created_then_changed_then_deleted_is_audited_each_time(accountant):
    report = report_save(owner=accountant, name="  Books ", columns=COLUMNS)
    assert (report.owner, report.name, report.columns) == (accountant, "Books", COLUMNS)
    [created] = _audited(AuditAction.EXPORT_REPORT_CREATED)
    assert (created.actor, created.shop, created.target) == (
        accountant,
        None,
        f"report {report.pk}",
    )
    assert created.payload == {"name": "Books", "columns": ["order_id", "total"]}

    report_save(owner=accountant, report=report, name="Ledger", columns=COLUMNS[1:])
    report.refresh_from_db()
    assert (report.name, report.columns) == ("Ledger", COLUMNS[1:])
    [changed] = _audited(AuditAction.EXPORT_REPORT_CHANGED)
    assert changed.payload == {"name": "Ledger", "columns": ["total"]}

    pk = report.pk
    report_delete(report=report, user=accountant)
    assert not ExportReport.objects.exists()
    [deleted] = _audited(AuditAction.EXPORT_REPORT_DELETED)
    assert (deleted.target, deleted.payload) == (
        f"report {pk}",
        {"name": "Ledger", "schedules_deleted": []},
    )


def test_deleting_a_report_says_which_schedules_went_with_it(accountant, shop):
    report = report_save(owner=accountant, name="Books", columns=COLUMNS)
    schedule = _schedule(accountant, shop, template="custom", report=report)
    report_delete(report=report, user=accountant)
    assert not ExportSchedule.objects.exists()  # a schedule exports its report: it goes too
    [deleted] = _audited(AuditAction.EXPORT_REPORT_DELETED)
    assert deleted.payload["schedules_deleted"] == [schedule.pk]


@pytest.mark.parametrize(
    "name, columns, field, says",
    [
        ("Books", COLUMNS, "name", "You already have a report with this name."),
        ("   ", COLUMNS, "name", "Name the report."),
        ("x" * 81, COLUMNS, "name", "A name has at most 80 characters."),
        ("New", [], "", "Pick at least one column."),
        ("New", [{"key": "password"}], "", "Unknown column: 'password'."),
    ],
)
def test_a_report_that_cannot_be_saved_changes_nothing(accountant, name, columns, field, says):
    existing = report_save(owner=accountant, name="Books", columns=COLUMNS)
    before = AuditEvent.objects.count()
    with pytest.raises(ReportRefused) as refused:
        report_save(owner=accountant, name=name, columns=columns)
    assert (refused.value.field, str(refused.value)) == (field, says)
    other = report_save(owner=accountant, name="Other", columns=COLUMNS)
    with pytest.raises(ReportRefused):
        report_save(owner=accountant, report=other, name=name, columns=columns)
    other.refresh_from_db()
    assert (other.name, other.columns) == ("Other", COLUMNS)
    assert list(ExportReport.objects.order_by("pk")) == [existing, other]
    assert AuditEvent.objects.count() == before + 1  # "Other" only


def test_someone_elses_report_is_neither_changed_nor_deleted(accountant, admin):
    theirs = report_save(owner=admin, name="Theirs", columns=COLUMNS)
    with pytest.raises(ReportRefused, match="not yours"):
        report_save(owner=accountant, report=theirs, name="Mine", columns=COLUMNS)
    with pytest.raises(ReportRefused, match="not yours"):
        report_delete(report=theirs, user=accountant)
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"
    assert AuditEvent.objects.filter(actor=accountant).count() == 0


def test_the_report_pages_audit_with_the_address_and_show_refusals(client, accountant):
    client.force_login(accountant)
    data = {"name": "Books", "col_order_id": "on", "col_total": "on"}
    headers = {"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "Firefox"}
    assert client.post("/exports/reports/new/", data, **headers).status_code == 302
    report = ExportReport.objects.get()
    [created] = _audited(AuditAction.EXPORT_REPORT_CREATED)
    assert (created.ip_address, created.user_agent) == ("203.0.113.9", "Firefox")
    assert (
        client.post(f"/exports/reports/{report.pk}/", {**data, "name": "Ledger"}).status_code == 302
    )
    assert len(_audited(AuditAction.EXPORT_REPORT_CHANGED)) == 1
    client.post("/exports/reports/new/", {"name": "Other", "col_total": "on"})
    clash = client.post(f"/exports/reports/{report.pk}/", {**data, "name": "Other"})
    assert clash.status_code == 400
    assert clash.context["form"].errors["name"] == ["You already have a report with this name."]
    report.refresh_from_db()
    assert report.name == "Ledger" and len(_audited(AuditAction.EXPORT_REPORT_CHANGED)) == 1
    assert client.post(f"/exports/reports/{report.pk}/delete/").status_code == 302
    assert _audited(AuditAction.EXPORT_REPORT_DELETED)[0].target == f"report {report.pk}"


# Schedules --------------------------------------------------------------------------------


def test_a_schedule_created_then_deleted_is_audited_in_its_shop(accountant, shop):
    schedule = _schedule(accountant, shop, query_string="status=COMPLETED")
    [created] = _audited(AuditAction.EXPORT_SCHEDULE_CREATED)
    assert (created.actor, created.shop, created.target) == (
        accountant,
        shop,
        f"schedule {schedule.pk}",
    )
    assert created.payload == {
        "name": "Weekly",
        "frequency": "weekly",
        "date_field": "created",
        "format": "csv",
        "template": "orders",
        "report": None,
        "filters": "status=COMPLETED",
    }
    pk = schedule.pk
    schedule_delete(schedule=schedule, user=accountant)
    assert not ExportSchedule.objects.exists()
    [deleted] = _audited(AuditAction.EXPORT_SCHEDULE_DELETED)
    assert (deleted.shop, deleted.target, deleted.payload["name"]) == (
        shop,
        f"schedule {pk}",
        "Weekly",
    )


@pytest.mark.parametrize(
    "fields, says",
    [
        ({"frequency": "hourly"}, "Choose daily, weekly, monthly or quarterly."),
        ({"date_field": "posted"}, "Choose which date the period applies to."),
        ({"format": "pdf"}, "Choose CSV or Excel."),
        ({"template": "everything"}, "Choose one of the export templates."),
        ({"template": "custom"}, "Choose a saved report for a custom export."),
        ({"query_string": "city=%00"}, "Correct these filters before exporting."),
    ],
)
def test_a_schedule_that_could_not_export_is_not_stored(accountant, shop, fields, says):
    with pytest.raises(ExportRefused, match=says):
        _schedule(accountant, shop, **fields)
    assert not ExportSchedule.objects.exists()
    assert not _audited(AuditAction.EXPORT_SCHEDULE_CREATED)


def test_a_schedule_of_someone_elses_report_or_shop_is_not_stored(
    accountant, admin, shop, outsider, other_shop
):
    theirs = report_save(owner=admin, name="Theirs", columns=COLUMNS)
    with pytest.raises(ExportRefused, match="That report is not yours."):
        _schedule(accountant, shop, template="custom", report=theirs)
    with pytest.raises(ExportRefused, match="export permission in that shop"):
        _schedule(accountant, other_shop)
    mine = _schedule(outsider, other_shop)
    with pytest.raises(ExportRefused, match="not yours"):
        schedule_delete(schedule=mine, user=accountant)
    assert list(ExportSchedule.objects.all()) == [mine]
    assert not AuditEvent.objects.filter(actor=accountant).exists()


def test_the_schedule_pages_audit_and_keep_their_answers(client, accountant, shop, other_shop):
    client.force_login(accountant)
    response = client.post("/exports/schedules/new/", SCHEDULE)
    assert response.status_code == 302 and response["Location"] == "/exports/#schedules"
    schedule = ExportSchedule.objects.get()
    [created] = _audited(AuditAction.EXPORT_SCHEDULE_CREATED)
    assert (created.shop, created.payload["filters"]) == (shop, "status=COMPLETED")
    refused = client.post("/exports/schedules/new/", {**SCHEDULE, "query": "city=%00"})
    assert refused.status_code == 400 and "control character U+0000" in refused.content.decode()
    assert ExportSchedule.objects.count() == 1 and len(_audited(created.action)) == 1
    deleted = client.post(f"/exports/schedules/{schedule.pk}/delete/")
    assert deleted["Location"] == "/exports/#schedules"
    assert _audited(AuditAction.EXPORT_SCHEDULE_DELETED)[0].target == f"schedule {schedule.pk}"
    assert not ExportJob.objects.exists()
