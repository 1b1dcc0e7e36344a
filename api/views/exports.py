"""Exports through the API: the same jobs as the exports page (exports.services), started,
followed and downloaded with a token."""

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from api.export_serializers import ExportCreateSerializer, ExportJobSerializer, job_file_ready
from api.problems import problem
from api.schema import problems
from api.scopes import Scope
from api.selectors.exports import api_job, api_jobs
from api.selectors.orders import ParametersRefused
from exports import services
from exports.models import ExportStatus
from exports.selectors import job_downloadable_by

PER_PAGE = 100
BEFORE = "before"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _via(request) -> dict:
    """What the audit log adds for an action taken with a token."""
    return {"via": "api", "token": request.auth.shown}


def _before(request) -> int | None:
    unknown = sorted(set(request.query_params) - {BEFORE})
    if unknown:
        raise ParametersRefused({name: ["Unknown parameter."] for name in unknown})
    text = request.query_params.get(BEFORE)
    if text is None:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise ParametersRefused({BEFORE: ["Give the id of an export, as in `next`."]})
    return int(text)


class ExportList(APIView):
    """The token's exports, newest first; POST starts one as the exports page does."""

    @property
    def required_scope(self):
        return Scope.EXPORTS_WRITE if self.request.method == "POST" else Scope.EXPORTS_READ

    @extend_schema(
        parameters=[
            OpenApiParameter(
                BEFORE, OpenApiTypes.INT, description="Exports older than this id (see `next`)."
            )
        ],
        responses={
            200: inline_serializer(
                "ExportPage",
                {
                    "results": ExportJobSerializer(many=True),
                    "next": serializers.URLField(allow_null=True),
                },
            ),
            **problems(400, 401, 403, 429),
        },
        summary="List exports",
        description="The exports the token's owner sees on the exports page (their own, and "
        "all of a shop they administer) whose shops the token covers, newest first, 100 a page.",
        operation_id="exports_list",
    )
    def get(self, request):
        jobs = api_jobs(user=request.user, shops=request.token_shops)
        if (before := _before(request)) is not None:
            jobs = jobs.filter(pk__lt=before)
        fetched = list(jobs[: PER_PAGE + 1])
        rows = fetched[:PER_PAGE]
        next_url = None
        if len(fetched) > PER_PAGE:
            next_url = request.build_absolute_uri(f"{request.path}?{BEFORE}={rows[-1].pk}")
        data = ExportJobSerializer(rows, many=True, context={"request": request}).data
        return Response({"results": data, "next": next_url})

    @extend_schema(
        request=ExportCreateSerializer,
        responses={201: ExportJobSerializer, **problems(400, 401, 403, 429)},
        summary="Start an export",
        description="Queue an export job, as the exports page does; poll its `url` until "
        "`status` is `done`, then GET its `download_url`.",
        operation_id="export_create",
    )
    def post(self, request):
        body = ExportCreateSerializer(
            data=request.data, context={"user": request.user, "shops": request.token_shops}
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            job = services.export_request(
                user=request.user,
                query=data["query"],
                format=data["format"],
                template=data["template"],
                report=data["report"],
                columns=data.get("columns"),
                shops=data["shops"],
                request=request,
                audit_extra=_via(request),
            )
        except services.ExportRefused as refused:
            return problem(400, str(refused))
        location = reverse("api:export", args=[job.pk])
        return Response(
            ExportJobSerializer(job, context={"request": request}).data,
            status=201,
            headers={"Location": request.build_absolute_uri(location)},
        )


class ExportDetail(APIView):
    """One export: its status and progress, and its download URL once the file is ready."""

    required_scope = Scope.EXPORTS_READ

    @extend_schema(
        responses={200: ExportJobSerializer, **problems(401, 403, 404, 429)},
        summary="One export",
        operation_id="export_get",
    )
    def get(self, request, pk: int):
        job = api_job(user=request.user, shops=request.token_shops, pk=pk)
        return Response(ExportJobSerializer(job, context={"request": request}).data)


class AnyAccepted(BaseContentNegotiation):
    """The file is what it is, whatever the client accepts; errors stay JSON problems."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


NOT_READY = {
    ExportStatus.QUEUED: "is queued",
    ExportStatus.RUNNING: "is still being written",
    ExportStatus.FAILED: "failed",
    ExportStatus.CANCELLED: "was cancelled",
}


class ExportDownload(APIView):
    """The export's file, audited as the page's download is; 409 while it is not ready."""

    required_scope = Scope.EXPORTS_READ
    content_negotiation_class = AnyAccepted

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="A CSV file."),
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="An XLSX file."),
            **problems(401, 403, 404, 409, 410, 429),
        },
        summary="Download an export's file",
        operation_id="export_download",
    )
    def get(self, request, pk: int):
        job = api_job(user=request.user, shops=request.token_shops, pk=pk)
        if not job_downloadable_by(job, request.user):
            raise Http404("Not downloadable by the token's owner.")
        if job.status != ExportStatus.DONE:
            return problem(409, _not_ready(job, request))
        if not job_file_ready(job):
            return problem(410, f"The file of export #{job.pk} has expired; start a new export.")
        try:
            content = job.file.open("rb")
        except FileNotFoundError:
            return problem(410, f"The file of export #{job.pk} is no longer stored.")
        services.export_download_record(
            job=job, user=request.user, request=request, audit_extra=_via(request)
        )
        return FileResponse(content, as_attachment=True, filename=job.file_name)


def _not_ready(job, request) -> str:
    state = NOT_READY.get(job.status, "is not ready")
    if job.is_active:
        url = request.build_absolute_uri(reverse("api:export", args=[job.pk]))
        return f"Export #{job.pk} {state}: poll {url} until its status is “done”."
    reason = f" ({job.error})" if job.error else ""
    return f"Export #{job.pk} {state}{reason}; there is no file to download."
