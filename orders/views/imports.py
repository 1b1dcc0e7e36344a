"""/orders/import/: a shop administrator uploads a TikTok order file, reads the preview (dry
run: counts and every bad row), then applies it. The upload waits in storage between the two
steps, remembered in the session, so applying never trusts a file name from the form."""

import uuid
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.access import permission_required, shops_for_user
from accounts.csvsafe import csv_write
from accounts.models import AuditAction, AuditEvent
from accounts.roles import Perm

from ..importing import ImportRefused, UnreadableFile, import_tiktok_file
from ..importing.read import MAX_BYTES

PENDING = "orders.import.pending"
HISTORY = 10


class ImportForm(forms.Form):
    shop = forms.ModelChoiceField(queryset=None, to_field_name="slug", empty_label=None)
    file = forms.FileField(help_text="TikTok Seller Center “Order SKU list”, CSV or XLSX.")
    skip_errors = forms.BooleanField(
        required=False, label="Import the good orders and leave out bad rows"
    )

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError("Upload a .csv or .xlsx file exported by TikTok.")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES // 2**20} MB.")
        return upload


def _history(user):
    shops = shops_for_user(user, Perm.IMPORT_ORDERS)
    return AuditEvent.objects.filter(action=AuditAction.IMPORT, shop__in=shops).select_related(
        "actor", "shop"
    )[:HISTORY]


@permission_required(Perm.IMPORT_ORDERS)
def order_import(request):
    """GET: the upload form. POST: keep the file and show what importing it would do."""
    shops = shops_for_user(request.user, Perm.IMPORT_ORDERS)
    form = ImportForm(request.POST or None, request.FILES or None, shops=shops)
    context = {"form": form, "history": _history(request.user)}
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "orders/order_import.html", context, status=400 if form.errors else 200
        )
    upload, shop = form.cleaned_data["file"], form.cleaned_data["shop"]
    data = upload.read()
    skip = form.cleaned_data["skip_errors"]
    try:
        report = import_tiktok_file(
            shop=shop, data=data, name=upload.name, dry_run=True, skip_errors=True
        )
    except UnreadableFile as error:
        form.add_error("file", str(error))
        return render(request, "orders/order_import.html", context, status=400)
    stored = default_storage.save(
        f"imports/{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}", ContentFile(data)
    )
    request.session[PENDING] = {
        "file": stored,
        "name": upload.name[:200],
        "shop": shop.slug,
        "skip": skip,
    }
    context.update({"report": report, "shop": shop, "file_name": upload.name, "skip": skip})
    return render(request, "orders/order_import_preview.html", context)


def _pending_upload(request):
    """(what the session remembers, the shop, the file's bytes) of the previewed upload, or
    None when there is none the user may still import."""
    pending = request.session.get(PENDING)
    if not pending:
        return None
    shop = shops_for_user(request.user, Perm.IMPORT_ORDERS).filter(slug=pending["shop"]).first()
    if shop is None or not default_storage.exists(pending["file"]):
        return None
    with default_storage.open(pending["file"], "rb") as stored:
        return pending, shop, stored.read()


@permission_required(Perm.IMPORT_ORDERS)
def order_import_apply(request):
    """Apply the previewed file (POST), all or nothing unless bad rows were to be skipped."""
    upload = _pending_upload(request) if request.method == "POST" else None
    if upload is None:
        if request.method == "POST" and request.session.pop(PENDING, None):
            messages.error(request, "That upload is no longer available; upload it again.")
        else:
            messages.error(request, "Upload a file and read its preview first.")
        return redirect("orders:import")
    pending, shop, data = upload
    try:
        report = import_tiktok_file(
            shop=shop,
            data=data,
            name=pending["name"],
            actor=request.user,
            skip_errors=pending["skip"],
        )
    except (UnreadableFile, ImportRefused) as error:
        messages.error(request, f"Nothing was imported: {error}")
        return redirect("orders:import")
    finally:
        default_storage.delete(pending["file"])
        request.session.pop(PENDING, None)
    messages.success(request, f"Imported {pending['name']}: {report.summary()}")
    return redirect(f"{reverse('orders:list')}?shop={shop.slug}")


@permission_required(Perm.IMPORT_ORDERS)
def order_import_errors(request):
    """The previewed file's bad rows as CSV: row, column, problem (formula-safe)."""
    upload = _pending_upload(request)
    if upload is None:
        raise Http404("No previewed import.")
    pending, shop, data = upload
    try:
        report = import_tiktok_file(
            shop=shop, data=data, name=pending["name"], dry_run=True, skip_errors=True
        )
    except UnreadableFile:
        raise Http404("No previewed import.") from None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stem = Path(pending["name"]).stem[:60]
    response["Content-Disposition"] = f'attachment; filename="{stem}-errors.csv"'
    response.write("\ufeff")
    rows = [(e.row, e.column, e.reason) for e in report.errors]
    csv_write(response, header=["Row", "Column", "Problem"], rows=rows)
    return response
