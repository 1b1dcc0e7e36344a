"""/orders/import/: a shop administrator uploads a TikTok order file, reads the preview (dry
run: counts and every bad row), then applies it. Each upload is an ImportJob: the file waits in
storage between the two stages, so applying never trusts a file name from the form, and the
jobs are the page's import history. Large files run in a worker while the page shows progress.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.access import permission_required, shops_for_user
from accounts.csvsafe import csv_write
from accounts.htmx import htmx_partial, htmx_varies
from accounts.roles import Perm
from imports.badrows import report_bad_rows, report_csv_rows
from imports.jobs import import_apply_start, import_notice, import_progress, import_stalled
from imports.models import ImportJob
from imports.plan import DATE_FORMAT_CHOICES, notice_words
from imports.read import too_large, upload_check
from imports.services import UnreadableFile
from imports.uploads import import_upload
from orders.links import imported_orders_url

HISTORY = 10


class ImportForm(forms.Form):
    shop = forms.ModelChoiceField(queryset=None, to_field_name="slug", empty_label=None)
    file = forms.FileField(help_text="TikTok Seller Center “Order SKU list”, CSV or XLSX.")
    date_format = forms.ChoiceField(
        required=False,
        choices=DATE_FORMAT_CHOICES,
        label="Dates in the file",
    )

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops

    def clean_file(self):
        """Only the cheap checks (size, name, a sane zip directory); the header is read by
        `import_upload` for a small file and by the worker's preview for a large one."""
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError("Upload a .csv or .xlsx file exported by TikTok.")
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large())
        try:
            upload_check(upload.file, upload.name)
        except UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None
        return upload


def _jobs(user):
    """Import jobs in the shops where `user` may import."""
    return ImportJob.objects.filter(
        shop__in=shops_for_user(user, Perm.IMPORT_ORDERS)
    ).select_related("shop", "requested_by")


@permission_required(Perm.IMPORT_ORDERS)
def order_import(request):
    """GET: the upload form and recent imports. POST: check the file (a small one's header at
    once), keep it with its job and start its preview."""
    shops = shops_for_user(request.user, Perm.IMPORT_ORDERS)
    form = ImportForm(request.POST or None, request.FILES or None, shops=shops)
    context = {"form": form, "history": _jobs(request.user)[:HISTORY]}
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
    job = get_object_or_404(_jobs(request.user), pk=pk)
    stalled = import_stalled(job)
    if htmx_partial(request):
        if not job.busy or stalled:
            response = HttpResponse()
            response["HX-Refresh"] = "true"  # finished: show the whole page
            return response
        return render(request, "imports/importjob_detail.html#progress", _progress(job))
    context = {
        "job": job,
        "stalled": stalled,
        "report": job.report,
        "bad_rows": report_bad_rows(job.report),
        "notice_words": notice_words(job.report.get("notice_count") or 0),
        "can_apply": job.stage == ImportJob.Stage.PREVIEW and job.state == ImportJob.State.FINISHED,
        "imported_url": imported_orders_url(job),
        **_progress(job),
    }
    return render(request, "imports/importjob_detail.html", context)


def _progress(job: ImportJob) -> dict:
    done, total = import_progress(job)
    percent = round(100 * done / total) if total else 0
    return {
        "job": job,
        "done": done,
        "total": total,
        "percent": percent,
        "notice": import_notice(job),
    }


@require_POST
@permission_required(Perm.IMPORT_ORDERS)
def order_import_apply(request, pk):
    """Apply a previewed job: all or nothing, unless the user chose "Import without the bad
    rows" (the button carries skip_errors)."""
    job = get_object_or_404(_jobs(request.user), pk=pk)
    skip = request.POST.get("skip_errors") == "on"
    if job.report.get("errors") and not skip:
        messages.error(request, "The file has bad rows: import without them, or fix the file.")
        return redirect("imports:job", pk=job.pk)
    if not import_apply_start(job, user=request.user, skip_errors=skip):
        messages.error(request, "That file has already been imported or is not ready.")
        return redirect("imports:job", pk=job.pk)
    if job.state == ImportJob.State.FINISHED:
        messages.success(request, f"Imported {job.file_name}: {job.report['summary']}")
        if job.report.get("created") or job.report.get("updated"):
            return redirect(imported_orders_url(job))  # exactly the orders it stored
    return redirect("imports:job", pk=job.pk)


@permission_required(Perm.IMPORT_ORDERS)
def order_import_errors(request, pk):
    """The previewed file's bad rows as CSV: row, column, problem (formula-safe); the first
    of each kind, then how many more."""
    job = get_object_or_404(_jobs(request.user), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stem = Path(job.file_name).stem[:60]
    # Quoted and encoded properly whatever the uploaded file was called.
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}-errors.csv")
    response.write("\ufeff")
    rows = report_csv_rows(report_bad_rows(job.report))
    csv_write(response, header=["Row", "Column", "Problem"], rows=rows)
    return response
