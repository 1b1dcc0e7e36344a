"""Custom reports as their owner saves and deletes them; every change audited.

A report belongs to its owner, not to a shop (the same report exports from any shop where
they may export), so its audit entries name no shop; the exports made with it do.
"""

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts.models import AuditAction, User
from accounts.services import audit_record
from exports.columns import BadColumns, custom_template
from exports.exceptions import ReportRefused
from exports.models import ExportReport

NAME_LENGTH = ExportReport._meta.get_field("name").max_length
NAME_TAKEN = "You already have a report with this name."


def report_save(
    *,
    owner: User,
    name: str,
    columns: list[dict],
    report: ExportReport | None = None,
    request: HttpRequest | None = None,
) -> ExportReport:
    """Create a report (no `report`) or change `owner`'s `report`: its name and its columns
    [{"key", "label"}] in their order. ReportRefused, and nothing stored, when the name is
    empty, too long or already one of theirs, or a column is not in the catalogue."""
    name = name.strip()
    if not name:
        raise ReportRefused("Name the report.", field="name")
    if len(name) > NAME_LENGTH:
        raise ReportRefused(f"A name has at most {NAME_LENGTH} characters.", field="name")
    if report is not None and report.owner_id != owner.pk:
        raise ReportRefused("That report is not yours.")
    try:
        custom_template(columns)
    except BadColumns as error:
        raise ReportRefused(str(error)) from None
    mine = ExportReport.objects.filter(owner=owner, name=name)
    if report is not None:
        mine = mine.exclude(pk=report.pk)
    if mine.exists():
        raise ReportRefused(NAME_TAKEN, field="name")
    created = report is None
    saved = ExportReport(owner=owner) if created else report
    before = (saved.name, saved.columns)
    saved.name, saved.columns = name, columns
    action = AuditAction.EXPORT_REPORT_CREATED if created else AuditAction.EXPORT_REPORT_CHANGED
    try:
        with transaction.atomic():
            saved.save(update_fields=None if created else ["name", "columns", "updated_at"])
            audit_record(
                action=action,
                actor=owner,
                target=f"report {saved.pk}",
                request=request,
                payload={"name": name, "columns": [column["key"] for column in columns]},
            )
    except IntegrityError:  # the same name saved by another request a moment ago
        saved.name, saved.columns = before
        raise ReportRefused(NAME_TAKEN, field="name") from None
    return saved


def report_delete(*, report: ExportReport, user: User, request: HttpRequest | None = None) -> None:
    """Delete `user`'s report, and with it the schedules that export it; the exports made
    with it keep the columns they were made with."""
    if report.owner_id != user.pk:
        raise ReportRefused("That report is not yours.")
    pk = report.pk
    with transaction.atomic():
        schedules = sorted(report.schedules.values_list("pk", flat=True))
        report.delete()
        audit_record(
            action=AuditAction.EXPORT_REPORT_DELETED,
            actor=user,
            target=f"report {pk}",
            request=request,
            payload={"name": report.name, "schedules_deleted": schedules},
        )
