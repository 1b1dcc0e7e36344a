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


def _check(schema, path: str, status: int, body) -> None:
    operation = schema["paths"][path]["get"]
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
