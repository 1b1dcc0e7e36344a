"""Responses match the OpenAPI schema the API publishes, masked or not, whole or sparse, and
so do its errors (JSON Schema 2020-12, which OpenAPI 3.1 schemas are)."""

import pytest
from jsonschema import Draft202012Validator

from accounts.roles import Role
from orders.statuses import OrderStatus
from tests.api.helpers import api_get, token_for
from tests.orders.factories import OrderFactory


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/v1/schema/", {"format": "json"}).json()


def _check(schema, path: str, status: int, body, method: str = "get") -> None:
    operation = schema["paths"][path][method]
    content = operation["responses"][str(status)]["content"]
    media = content.get("application/json") or content["application/problem+json"]
    validator = Draft202012Validator({"components": schema["components"], **media["schema"]})
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], errors[:5]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.VIEWER])
def test_list_detail_and_shops_match_the_schema(schema, role_users, shop, role):
    order = OrderFactory(shop=shop, status=OrderStatus.DELIVERED, recipient_name="A B C D")
    OrderFactory(shop=shop, status=OrderStatus.CANCELLED)
    secret = token_for(role_users[role], [shop]).secret
    for params in ({}, {"fields": "order_id,recipient_name"}, {"per_page": "25"}):
        response = api_get("/api/v1/orders/", secret, **params)
        _check(schema, "/api/v1/orders/", 200, response.json())
    detail = api_get(f"/api/v1/orders/{order.order_id}/", secret)
    _check(schema, "/api/v1/orders/{order_id}/", 200, detail.json())
    _check(schema, "/api/v1/shops/", 200, api_get("/api/v1/shops/", secret).json())


@pytest.mark.django_db
def test_errors_match_the_problem_schema(schema, viewer, shop):
    secret = token_for(viewer, [shop]).secret
    cases = [
        (api_get("/api/v1/orders/", secret, colour="red"), 400),
        (api_get("/api/v1/orders/", "sc_pat_nope"), 401),
        (api_get("/api/v1/orders/5760000000000000999/", secret), 404),
    ]
    for response, status in cases:
        assert response.status_code == status
        path = "/api/v1/orders/{order_id}/" if status == 404 else "/api/v1/orders/"
        _check(schema, path, status, response.json())


@pytest.mark.django_db
def test_exports_and_insights_match_the_schema(
    schema, accountant, shop, django_capture_on_commit_callbacks
):
    import json

    from django.test import Client

    from api.scopes import Scope
    from tests.exports.helpers import make_job

    OrderFactory(shop=shop)
    scopes = [Scope.EXPORTS_READ, Scope.EXPORTS_WRITE, Scope.INSIGHTS_READ]
    secret = token_for(accountant, [shop], scopes).secret
    headers = {"Authorization": f"Bearer {secret}"}

    def post(body):
        return Client().post(
            "/api/v1/exports/", json.dumps(body), content_type="application/json", headers=headers
        )

    with django_capture_on_commit_callbacks(execute=False):
        created = post({"columns": ["order_id"], "filters": {"status": "IN_TRANSIT"}})
    assert created.status_code == 201
    _check(schema, "/api/v1/exports/", 201, created.json(), "post")
    bad = post({"format": "pdf", "filters": {"colour": "red"}})
    _check(schema, "/api/v1/exports/", 400, bad.json(), "post")
    job = created.json()["id"]
    _check(schema, "/api/v1/exports/", 200, api_get("/api/v1/exports/", secret).json())
    one = api_get(f"/api/v1/exports/{job}/", secret)
    _check(schema, "/api/v1/exports/{id}/", 200, one.json())
    early = api_get(f"/api/v1/exports/{job}/download/", secret)
    assert early.status_code == 409
    _check(schema, "/api/v1/exports/{id}/download/", 409, early.json())
    other = make_job(accountant, [shop], status="failed", error="Too big.")
    _check(
        schema, "/api/v1/exports/{id}/", 200, api_get(f"/api/v1/exports/{other.pk}/", secret).json()
    )
    figures = api_get("/api/v1/insights/", secret, period="last_month")
    _check(schema, "/api/v1/insights/", 200, figures.json())
    refused = api_get("/api/v1/insights/", secret, period="fortnight")
    _check(schema, "/api/v1/insights/", 400, refused.json())
