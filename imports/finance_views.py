"""/finance/import/: Seller Center finance files (an "Income" report, the US profit and loss
workbook, the US unsettled export) uploaded, previewed and imported by someone who may both
import files and view finance in the shop (docs/finance-files.md). The jobs are ImportJobs of
kind "finance", run by the order importer's machinery (imports.jobs)."""

from dataclasses import asdict

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.access import permission_required
from accounts.htmx import htmx_partial, htmx_varies
from accounts.roles import Perm
from imports.badrows import bad_rows_csv_name, bad_rows_csv_write, report_bad_rows
from imports.bounds import UnreadableFile
from imports.exceptions import ApplyRefused
from imports.finance_files.service import finance_file_check
from imports.forms import FinanceImportForm
from imports.models import ImportJob
from imports.selectors import (
    finance_import_job_for_user,
    finance_import_job_list_for_user,
    finance_import_shops,
    import_job_progress,
)
from imports.uploads import import_apply, import_upload

HISTORY = 10


def finance_importer(view):
    """Import files and view finance, each in at least one shop (the shops narrow further)."""
    return permission_required(Perm.IMPORT_ORDERS)(permission_required(Perm.VIEW_FINANCE)(view))


@finance_importer
def finance_import(request):
    """GET: the upload form and recent finance imports. POST: check the file (a small one is
    read at once: its layout and market), keep it with its job and start its preview."""
    form = FinanceImportForm(
        request.POST or None, request.FILES or None, shops=finance_import_shops(request.user)
    )
    history = finance_import_job_list_for_user(user=request.user)[:HISTORY]
    context = {"form": form, "history": history}
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "imports/finance_list.html", context, status=400 if form.errors else 200
        )
    try:
        job = import_upload(
            shop=form.cleaned_data["shop"],
            user=request.user,
            upload=form.cleaned_data["file"],
            kind=ImportJob.Kind.FINANCE,
            header_check=finance_file_check,
        )
    except UnreadableFile as error:
        form.add_error("file", str(error))
        return render(request, "imports/finance_list.html", context, status=400)
    return redirect("finance_import:job", pk=job.pk)


@finance_importer
@htmx_varies
def finance_import_job(request, pk):
    """The job's page: progress while it runs, then the preview with its button, or the
    outcome."""
    job = finance_import_job_for_user(user=request.user, pk=pk)
    progress = import_job_progress(job=job)
    progress_context = {"job": job, **asdict(progress)}
    if htmx_partial(request):
        if not job.busy or progress.stalled:
            response = HttpResponse()
            response["HX-Refresh"] = "true"
            return response
        return render(request, "imports/finance_detail.html#progress", progress_context)
    context = {
        "report": job.report,
        "bad_rows": report_bad_rows(job.report) if job.report else None,
        "can_apply": job.previewed and not job.report.get("error_count"),
        **progress_context,
    }
    return render(request, "imports/finance_detail.html", context)


@require_POST
@finance_importer
def finance_import_apply(request, pk):
    """Import a previewed file: all or nothing (a file with bad rows is refused)."""
    job = finance_import_job_for_user(user=request.user, pk=pk)
    if job.report.get("error_count"):
        messages.error(request, "The file has bad rows: fix them and upload it again.")
        return redirect("finance_import:job", pk=job.pk)
    try:
        import_apply(job=job, user=request.user, skip_errors=False)
    except ApplyRefused as refused:
        messages.error(request, str(refused))
        return redirect("finance_import:job", pk=job.pk)
    if job.state == ImportJob.State.FINISHED:
        messages.success(request, f"Imported {job.file_name}: {job.report['summary']}")
    return redirect("finance_import:job", pk=job.pk)


@finance_importer
def finance_import_errors(request, pk):
    """The previewed file's bad rows as CSV: row, column, problem."""
    job = finance_import_job_for_user(user=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, bad_rows_csv_name(job.file_name)
    )
    bad_rows_csv_write(response, report=job.report)
    return response
