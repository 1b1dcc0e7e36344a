"""/exports/: start exports, follow their progress, download, reports, schedules."""

from django.contrib import messages
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import permission_required, shops_for_user
from accounts.htmx import htmx_partial, htmx_varies
from accounts.roles import Perm
from exports import reports, schedules, services
from exports.descriptions import job_filters_text, job_rows, job_zone, schedule_kept_filters
from exports.exceptions import ReportRefused
from exports.forms import ExportForm, ReportForm, ScheduleForm, schedule_initial
from exports.selectors import (
    job_downloadable_by,
    jobs_for_user,
    reports_for_user,
    schedules_for_user,
)
from orders.chips import filter_chips
from orders.exceptions import ForeignShop
from orders.form_fields import error_lines, row_id
from orders.forms import BulkActionForm
from orders.querystring import canonical_query
from orders.selectors.order_filter import order_filterset

JOBS_SHOWN = 100


def _new_export_page(request, form: ExportForm, *, status: int = 200):
    """The "new export" form, with the filters it applies described in words."""
    query = QueryDict(form["query"].value() or "")
    chips, filter_errors = [], []
    try:
        filterset, _ = order_filterset(user=request.user, query=query)
    except ForeignShop:
        pass
    else:
        filter_errors = error_lines(filterset.form)
        chips = [] if filter_errors else filter_chips(filterset, query)
    ids = [row_id(part) for part in str(form["ids"].value() or "").replace(",", " ").split()]
    count = None
    if None not in ids and not filter_errors:
        count = services.export_order_count(user=request.user, query=query, order_keys=ids)
    context = {
        "form": form,
        "chips": chips,
        "filter_errors": filter_errors,
        "ticked": len(ids),
        "order_count": count,
        "back": f"?{query.urlencode()}",
    }
    return render(request, "exports/export_new.html", context, status=status)


def export_form_for_selection(request, *, query: QueryDict, ids: list[str]):
    """The new-export page for the list's filters or ticked rows (the "Export" bulk action)."""
    form = ExportForm(
        initial={"query": canonical_query(query), "ids": " ".join(ids)},
        reports=reports_for_user(request.user),
    )
    return _new_export_page(request, form)


def export_bulk_action(request, selected):
    """The order list's "Export…" button: the ticked orders (scoped) or all matching."""
    form = BulkActionForm(request.POST)
    form.full_clean()  # valid: the order list's bulk view ran the same form before calling us
    query = QueryDict(form.cleaned_data["query"])
    if form.cleaned_data["all_matching"]:
        return export_form_for_selection(request, query=query, ids=[])
    keys = selected.values_list("pk", flat=True)
    return export_form_for_selection(request, query=query, ids=[str(pk) for pk in keys])


@permission_required(Perm.EXPORT_ORDERS)
def export_new(request):
    """/exports/new/?<order list filters>: choose format and template for those orders."""
    return export_form_for_selection(request, query=request.GET, ids=[])


@permission_required(Perm.EXPORT_ORDERS)
@htmx_varies
def export_list(request):
    """The exports I may see, newest first; POST starts a new one."""
    if request.method == "POST":
        return _export_create(request)
    jobs = list(jobs_for_user(request.user)[:JOBS_SHOWN])
    rows = job_rows(jobs)
    context = {
        "rows": rows,
        "zones": sorted({row.zone for row in rows}),
        "any_active": any(job.is_active for job in jobs),
        "reports": reports_for_user(request.user),
        "schedules": schedules_for_user(request.user),
    }
    if htmx_partial(request):
        return render(request, "exports/export_list.html#jobs", context)
    return render(request, "exports/export_list.html", context)


def _export_create(request):
    form = ExportForm(request.POST, reports=reports_for_user(request.user))
    if not form.is_valid():
        return _new_export_page(request, form, status=400)
    data = form.cleaned_data
    try:
        job = services.export_request(
            user=request.user,
            query=QueryDict(data["query"]),
            format=data["format"],
            template=data["template"],
            report=data["report"],
            order_keys=data["ids"],
            request=request,
        )
    except services.ExportRefused as refused:
        form.add_error(None, str(refused))
        return _new_export_page(request, form, status=400)
    messages.success(request, f"Export #{job.pk} is queued; this page shows its progress.")
    return redirect("exports:list")


def _visible_job(request, pk: int):
    return get_object_or_404(jobs_for_user(request.user), pk=pk)


@permission_required(Perm.EXPORT_ORDERS)
@htmx_varies
def export_detail(request, pk: int):
    """One job; while it runs, htmx polls this URL for the progress row."""
    job = _visible_job(request, pk)
    context = {
        "job": job,
        "zone": job_zone(job),
        "filters": job_filters_text(job),
        "can_download": job_downloadable_by(job, request.user),
    }
    if htmx_partial(request):
        return render(request, "exports/export_detail.html#status", context)
    return render(request, "exports/export_detail.html", context)


@permission_required(Perm.EXPORT_ORDERS)
@require_POST
def export_cancel(request, pk: int):
    job = _visible_job(request, pk)
    if services.export_cancel(job=job):
        messages.success(request, f"Export #{job.pk} cancelled.")
    else:
        messages.error(request, f"Export #{job.pk} has already finished.")
    return redirect("exports:detail", pk=job.pk)


@permission_required(Perm.EXPORT_ORDERS)
@require_POST
def export_retry(request, pk: int):
    job = _visible_job(request, pk)
    if services.export_retry(job=job):
        messages.success(request, f"Export #{job.pk} is queued again.")
    else:
        messages.error(request, "Only a failed or cancelled export can be retried.")
    return redirect("exports:detail", pk=job.pk)


@permission_required(Perm.EXPORT_ORDERS)
def export_download(request, pk: int):
    """The file, for its requester or a shop administrator with the export permission."""
    job = _visible_job(request, pk)
    if not job.file or not job_downloadable_by(job, request.user):
        raise Http404("No such export file.")
    if job.expires_at and job.expires_at <= timezone.now():
        return render(request, "exports/expired.html", {"job": job}, status=410)
    try:
        content = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("This export's file is no longer stored.") from None
    services.export_download_record(job=job, user=request.user, request=request)
    return FileResponse(content, as_attachment=True, filename=job.file_name)


# Custom reports ---------------------------------------------------------------------------


@permission_required(Perm.EXPORT_ORDERS)
def report_edit(request, pk: int | None = None):
    """Create (no pk) or change a custom report: pick columns, name them, order them."""
    report = get_object_or_404(reports_for_user(request.user), pk=pk) if pk else None
    initial_columns = report.columns if report else ()
    form = ReportForm(
        request.POST or None,
        initial={"name": report.name} if report else None,
        initial_columns=initial_columns,
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = reports.report_save(
                owner=request.user,
                report=report,
                name=form.cleaned_data["name"],
                columns=form.cleaned_data["columns"],
                request=request,
            )
        except ReportRefused as refused:
            form.add_error(refused.field or None, str(refused))
        else:
            messages.success(request, f"Report “{report.name}” saved.")
            return redirect("exports:list")
    status = 400 if form.errors else 200
    return render(
        request, "exports/report_form.html", {"form": form, "report": report}, status=status
    )


@permission_required(Perm.EXPORT_ORDERS)
@require_POST
def report_delete(request, pk: int):
    report = get_object_or_404(reports_for_user(request.user), pk=pk)
    reports.report_delete(report=report, user=request.user, request=request)
    messages.success(request, f"Report “{report.name}” deleted.")
    return redirect("exports:list")


# Schedules --------------------------------------------------------------------------------


@permission_required(Perm.EXPORT_ORDERS)
def schedule_create(request):
    """GET ?<filters>: the form; POST: save a schedule for those filters."""
    shops = shops_for_user(request.user, Perm.EXPORT_ORDERS)
    mine = reports_for_user(request.user)
    if request.method == "POST":
        form = ScheduleForm(request.POST, shops=shops, reports=mine)
    else:
        initial, filters = schedule_initial(request.GET)
        initial["query"] = canonical_query(filters)
        form = ScheduleForm(initial=initial, shops=shops, reports=mine)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule = schedules.schedule_create(
                owner=request.user,
                shop=data["shop"],
                name=data["name"],
                query_string=data["query"],
                date_field=data["date_field"],
                format=data["format"],
                template=data["template"],
                report=data["report"],
                frequency=data["frequency"],
                request=request,
            )
        except services.ExportRefused as refused:
            form.add_error(None, str(refused))
        else:
            when = timezone.localtime(schedule.next_run_at, schedule.shop.zone)
            messages.success(
                request,
                f"Scheduled “{schedule.name}”; first run {when:%b %-d, %Y %H:%M} shop time.",
            )
            return redirect(f"{reverse('exports:list')}#schedules")
    status = 400 if form.errors else 200
    kept = schedule_kept_filters(form["query"].value() or "", shops)
    return render(
        request, "exports/schedule_form.html", {"form": form, "kept": kept}, status=status
    )


@permission_required(Perm.EXPORT_ORDERS)
@require_POST
def schedule_delete(request, pk: int):
    schedule = get_object_or_404(schedules_for_user(request.user), pk=pk)
    schedules.schedule_delete(schedule=schedule, user=request.user, request=request)
    messages.success(request, f"Schedule “{schedule.name}” deleted.")
    return redirect(f"{reverse('exports:list')}#schedules")
