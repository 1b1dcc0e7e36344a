"""Every error of the API as `application/problem+json` (RFC 9457): type, title, status,
detail, and for refused parameters an `errors` object naming each one."""

import logging
from http import HTTPStatus

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.selectors.orders import ParametersRefused
from orders.exceptions import AmbiguousOrder, ForeignShop

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"


def problem(status: int, detail: str, *, headers: dict | None = None, **extra) -> Response:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return Response(body, status=status, headers=headers, content_type=PROBLEM_TYPE)


def _detail(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, list | dict):
        return str(exc.default_detail)
    return str(detail)


def _field_errors(detail, prefix: str = ""):
    """(name, [reasons]) of a body's validation errors; a nested field is `filters.status`,
    an item of a list `columns.2`."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix and key != "non_field_errors" else prefix or key
            yield from _field_errors(value, name)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            if item:
                yield from _field_errors(item, f"{prefix}.{index}")
    else:
        items = detail if isinstance(detail, list) else [detail]
        yield prefix or "body", [str(item) for item in items]


def api_exception_handler(exc, context):
    """DRF's handler (it sets WWW-Authenticate and Retry-After), reshaped as a problem; an
    error nothing else caught is logged and answered 500, still as a problem."""
    if isinstance(exc, ForeignShop):
        exc = Http404()
    if isinstance(exc, ParametersRefused):
        names = ", ".join(exc.errors)
        return problem(400, f"These parameters cannot be used: {names}.", errors=exc.errors)
    if isinstance(exc, AmbiguousOrder):
        shops = ", ".join(order.shop.slug for order in exc.orders)
        return problem(
            400, f"Several of your shops have this order id; add ?shop= one of: {shops}."
        )
    response = exception_handler(exc, context)
    if response is None:
        logger.exception("API request failed", exc_info=exc)
        return problem(500, "Something went wrong on our side; it has been logged.")
    headers = {
        name: response[name] for name in ("WWW-Authenticate", "Retry-After") if name in response
    }
    extra = {}
    invalid = isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict)
    if invalid:
        extra["errors"] = dict(_field_errors(exc.detail))
    if isinstance(exc, Http404 | exceptions.NotFound):
        detail = "No such resource among those this token may read."
    elif invalid:
        detail = f"These fields cannot be used: {', '.join(extra['errors'])}."
    elif isinstance(exc, exceptions.APIException):
        detail = _detail(exc)
    else:
        detail = HTTPStatus(response.status_code).description
    return problem(response.status_code, detail, headers=headers or None, **extra)
