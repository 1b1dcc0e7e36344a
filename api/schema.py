"""What the OpenAPI schema says beyond the views: the Bearer scheme and the problem document
every error is (loaded by apps.py so drf-spectacular finds the extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from api.problems import PROBLEM_TYPE


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "`sc_pat_…` (docs/api.md)"}


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Each refused parameter with its reasons (400 only).",
    )


def _problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(ProblemSerializer, description=description)


PROBLEMS = {
    400: "A parameter or field is unknown or not valid; `errors` names each.",
    401: "No token, or a bad, expired or revoked one.",
    403: "The token lacks the scope, or its owner the permission.",
    404: "Not among the orders, shops or exports this token may read.",
    409: "The export's file is not ready: it is queued, running, failed or cancelled.",
    410: "The export's file has expired and was deleted.",
    429: "Too many requests for this token, or too many without a valid token from this "
    "address; see Retry-After.",
}


def problems(*statuses: int) -> dict:
    """The responses for these error statuses, each a problem document (its own media type)."""
    return {(status, PROBLEM_TYPE): _problem(PROBLEMS[status]) for status in statuses}


ERRORS = problems(400, 401, 403, 404, 429)
