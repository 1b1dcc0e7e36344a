"""Every error is a problem document (RFC 9457); too many requests get 429 with Retry-After."""

import pytest
from django.test import Client, override_settings

from tests.api.helpers import api_get, token_for


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


@pytest.mark.django_db
def test_an_unknown_path_under_the_api_is_a_404_problem(viewer, shop):
    secret = token_for(viewer, [shop]).secret
    _problem(api_get("/api/v1/nothing/here/", secret), 404)
    _problem(api_get("/api/v1/nothing/here/", None), 404)


@pytest.mark.django_db
def test_a_write_method_is_a_405_problem(viewer, shop):
    secret = token_for(viewer, [shop]).secret
    response = Client().post(
        "/api/v1/orders/",
        {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    body = _problem(response, 405)
    assert body["detail"] == 'Method "POST" not allowed.'


@pytest.mark.django_db
@override_settings(API_RATE_LIMIT="3/minute")
def test_over_the_rate_a_token_gets_429_with_retry_after(viewer, shop):
    secret = token_for(viewer, [shop]).secret
    other = token_for(viewer, [shop], name="Other").secret
    for _ in range(3):
        assert api_get("/api/v1/shops/", secret).status_code == 200
    response = api_get("/api/v1/shops/", secret)
    _problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert api_get("/api/v1/shops/", other).status_code == 200  # counted per token


@pytest.mark.django_db
def test_an_unexpected_error_is_a_500_problem(viewer, shop, monkeypatch):
    from api.views import shops

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(shops.ShopSerializer, "to_representation", broken)
    secret = token_for(viewer, [shop]).secret
    body = _problem(api_get("/api/v1/shops/", secret), 500)
    assert "boom" not in body["detail"]


@pytest.mark.django_db
def test_the_schema_is_openapi_3_1_and_public(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"] == "3.1.0"
    assert set(schema["paths"]) == {
        "/api/v1/shops/",
        "/api/v1/orders/",
        "/api/v1/orders/{order_id}/",
        "/api/v1/exports/",
        "/api/v1/exports/{id}/",
        "/api/v1/exports/{id}/download/",
        "/api/v1/insights/",
    }
    assert set(schema["paths"]["/api/v1/exports/"]) == {"get", "post"}
    listing = schema["paths"]["/api/v1/orders/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"status", "total_min", "cursor", "per_page", "fields", "q"} <= names
    assert "page" not in names
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert set(listing["responses"]) == {"200", "400", "401", "403", "404", "429"}


@pytest.mark.django_db
def test_the_docs_page_and_its_script_are_served_from_here(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html and "<script>" not in html  # the CSP allows neither
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
