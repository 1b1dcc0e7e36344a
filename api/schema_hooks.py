"""What drf-spectacular cannot infer, found by the schema-driven fuzz run
(tests/api/test_schema_fuzz.py): each order-list filter's schema from its form field (choices,
lengths, dates, amounts, repeated keys), and every error response as the problem document it
is, with the headers DRF sends (a postprocessing hook, SPECTACULAR_SETTINGS)."""

import copy

import django_filters
from drf_spectacular.utils import OpenApiParameter

from api.problems import PROBLEM_TYPE
from orders.filters.fields import (
    BoundedDateFilter,
    ImportJobFilter,
    MoneyFilter,
    MultiValueFilter,
    WholeNumberFilter,
)

# An empty value means "no filter", as on the page: every scalar filter's schema allows it.
_AMOUNT = {"type": "string", "pattern": r"^([0-9]+(\.[0-9]+)?)?$", "examples": ["12.50"]}
_DATE = {
    "type": "string",
    "pattern": r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$",
    "examples": ["2026-03-01"],
}
_ROW_NUMBER = {"type": "string", "pattern": r"^([0-9]+)?$"}


def _choices(field) -> list[str]:
    return [str(value) for value, _ in field.choices]


def _filter_schema(filt: django_filters.Filter) -> dict:
    # A copy: `Filter.field` caches the form field on the filter, and a field cached on the
    # FilterSet class's own filter would be copied into every instance, the shop choices a
    # FilterSet sets per person ignored (every `?shop=` then a 404).
    field = copy.deepcopy(filt).field
    if isinstance(filt, django_filters.MultipleChoiceFilter):
        return {"type": "array", "items": {"type": "string", "enum": _choices(field)}}
    if isinstance(filt, MultiValueFilter):
        item = {"type": "string", "maxLength": field.max_length}
        return {"type": "array", "items": item, "maxItems": field.max_values}
    if isinstance(filt, django_filters.ChoiceFilter):
        choices = _choices(field)
        # The shop's choices are the token's shops: any slug may be asked for (404 if not one).
        return {"type": "string", "enum": choices} if len(choices) > 1 else {"type": "string"}
    if isinstance(filt, MoneyFilter):
        return _AMOUNT
    if isinstance(filt, BoundedDateFilter):
        return _DATE
    if isinstance(filt, ImportJobFilter | WholeNumberFilter):
        return _ROW_NUMBER
    schema = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def filter_parameter(name: str, filt: django_filters.Filter) -> OpenApiParameter:
    """One order-list filter as a query parameter; a list is its key repeated
    (`?status=A&status=B`)."""
    schema = _filter_schema(filt)
    explode = {"explode": True} if schema["type"] == "array" else {}
    return OpenApiParameter(name, schema, description=str(filt.label), **explode)


_HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "description": '`Bearer realm="api"`',
            "required": True,
            "schema": {"type": "string"},
        }
    },
    "429": {
        "Retry-After": {
            "description": "Seconds to wait before the next request.",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    },
}


def problem_responses(result, generator, request, public):
    """Every 4xx/5xx response of every operation is `application/problem+json` (the renderer
    alone would say application/json), and 401 and 429 name the header they carry."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                if not str(status).isdigit() or int(status) < 400:
                    continue
                content = response.get("content", {})
                if "application/json" in content:
                    content[PROBLEM_TYPE] = content.pop("application/json")
                if str(status) in _HEADERS:
                    response.setdefault("headers", {}).update(_HEADERS[str(status)])
    return result
