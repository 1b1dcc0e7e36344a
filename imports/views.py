"""/orders/import/: a shop administrator uploads a TikTok order file, reads the preview (dry
run: counts and every bad row), then applies it. Each upload is an ImportJob: the file waits in
storage between the two stages, so applying never trusts a file name from the form, and the
jobs are the page's import history. Large files run in a worker while the page shows progress.
"""

from dataclasses import asdict

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.access import permission_required, shops_for_user
from accounts.htmx import htmx_partial, htmx_varies
from accounts.roles import Perm
from imports.badrows import bad_rows_csv_name, bad_rows_csv_write, report_bad_rows
from imports.bounds import UnreadableFile
from imports.exceptions import ApplyRefused
from imports.forms import ImportApplyForm, ImportForm
from imports.models import ImportJob
from imports.plan import notice_words
from imports.selectors import (
    finance_import_shops,
    import_job_for_user,
    import_job_list_for_user,
    import_job_progress,
)
from imports.uploads import import_apply, import_upload
from orders.form_fields import first_error
from orders.links import imported_orders_url

HISTORY = 10


@permission_required(Perm.IMPORT_ORDERS)
def order_import(request):
    """GET: the upload form and recent imports. POST: check the file (a small one's header at
    once), keep it with its job and start its preview."""
    shops = shops_for_user(request.user, Perm.IMPORT_ORDERS)
    form = ImportForm(request.POST or None, request.FILES or None, shops=shops)
    context = {
        "form": form,
        "history": import_job_list_for_user(user=request.user)[:HISTORY],
        "finance_files": finance_import_shops(request.user).exists(),
    }
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "imports/importjob_list.html", context, status=400 if form.errors else 200
        )
    try:
        job = import_upload(
            shop=form.cleaned_data["shop"],
            user=request.user,
            upload=form.cleaned_data["file"],
            date_format=form.cleaned_data["date_format"],
        )
    except UnreadableFile as error:
        form.add_error("file", str(error))
        return render(request, "imports/importjob_list.html", context, status=400)
    return redirect("imports:job", pk=job.pk)


@permission_required(Perm.IMPORT_ORDERS)
@htmx_varies
def order_import_job(request, pk):
    """The job's page: progress while it runs (htmx polls it for the progress), then the
    preview with the apply button, or the outcome."""
    job = import_job_for_user(user=request.user, pk=pk)
    progress = import_job_progress(job=job)
    progress_context = {"job": job, **asdict(progress)}
    if htmx_partial(request):
        if not job.busy or progress.stalled:
            response = HttpResponse()
            response["HX-Refresh"] = "true"  # finished: show the whole page
            return response
        return render(request, "imports/importjob_detail.html#progress", progress_context)
    context = {
        "report": job.report,
        "bad_rows": report_bad_rows(job.report),
        "notice_words": notice_words(job.report.get("notice_count") or 0),
        "can_apply": job.previewed,
        "imported_url": imported_orders_url(job),
        **progress_context,
    }
    return render(request, "imports/importjob_detail.html", context)


@require_POST
@permission_required(Perm.IMPORT_ORDERS)
def order_import_apply(request, pk):
    """Apply a previewed job: all or nothing, unless the user chose "Import without the bad
    rows" (the button carries skip_errors)."""
    job = import_job_for_user(user=request.user, pk=pk)
    form = ImportApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("imports:job", pk=job.pk)
    try:
        import_apply(job=job, user=request.user, skip_errors=form.cleaned_data["skip_errors"])
    except ApplyRefused as refused:
        messages.error(request, str(refused))
        return redirect("imports:job", pk=job.pk)
    if job.state == ImportJob.State.FINISHED:
        messages.success(request, f"Imported {job.file_name}: {job.report['summary']}")
        if job.report.get("created") or job.report.get("updated"):
            return redirect(imported_orders_url(job))  # exactly the orders it stored
    return redirect("imports:job", pk=job.pk)


@permission_required(Perm.IMPORT_ORDERS)
def order_import_errors(request, pk):
    """The previewed file's bad rows as CSV: row, column, problem; the first of each kind,
    then how many more."""
    job = import_job_for_user(user=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # Quoted and encoded properly whatever the uploaded file was called.
    name = bad_rows_csv_name(job.file_name)
    response["Content-Disposition"] = content_disposition_header(True, name)
    bad_rows_csv_write(response, report=job.report)
    return response
