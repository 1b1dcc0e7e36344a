"""What the OpenAPI schema says beyond the views: the Bearer scheme and the problem document
every error is (loaded by apps.py so drf-spectacular finds the extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


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


ERRORS = {
    400: _problem("A parameter is unknown or not valid; `errors` names each."),
    401: _problem("No token, or a bad, expired or revoked one."),
    403: _problem("The token lacks the scope, or its owner the permission."),
    404: _problem("Not among the orders or shops this token may read."),
    429: _problem("Too many requests for this token; see Retry-After."),
}
