"""The order list's fuzzed parameters (tests/test_fuzz.py) sent to the API: never a 500,
and every refusal a problem document naming what it refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.api.helpers import token_for
from tests.fuzzing import FUZZ
from tests.orders.factories import OrderFactory
from tests.test_fuzz import queries, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(admin, shop, other_shop):
    for status in ("IN_TRANSIT", "DELIVERED"):
        OrderFactory(shop=shop, status=status)
    OrderFactory(shop=other_shop)
    return token_for(admin, [shop]).secret


@FUZZ
@given(query=queries())
def test_the_orders_endpoint_never_fails(client, secret, query):
    response = client.get(f"/api/v1/orders/?{query}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code in (200, 400, 404), query
    if response.status_code == 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"], query


@FUZZ
@given(fields=values(), order_id=values())
def test_the_order_endpoint_never_fails(client, secret, fields, order_id):
    order_id = order_id.decode("latin-1") if isinstance(order_id, bytes) else order_id
    fields = fields.decode("latin-1") if isinstance(fields, bytes) else fields
    path = "/api/v1/orders/" + "".join(c for c in order_id if c not in "/?#%") + "/"
    response = client.get(path, {"fields": fields}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code in (200, 400, 404), (path, fields)


@FUZZ
@given(
    header=st.one_of(
        st.text(max_size=300), st.sampled_from(["Bearer", "Bearer  x", "bearer sc_pat_"])
    )
)
def test_any_authorization_header_is_a_401_never_a_500(client, db, header):
    try:
        response = client.get("/api/v1/shops/", headers={"Authorization": header})
    except ValueError:  # a header the test client itself cannot send (a newline)
        return
    assert response.status_code == 401


@pytest.mark.parametrize(
    "presented",
    [
        "sc_pat_abc\x00defg_" + "a" * 43,
        "sc_pat_abcdefgh_" + "a" * 42 + "\x00",
        "sc_pat_abcdefgh_" + "a" * 4000,
    ],
)
def test_a_token_shaped_almost_like_ours_is_a_401(client, secret, presented):
    response = client.get("/api/v1/shops/", headers={"Authorization": f"Bearer {presented}"})
    assert response.status_code == 401


@pytest.mark.parametrize("order_id", ["a\x00b", "%00", "x" * 300, "5760000000000000001"])
def test_an_order_id_that_cannot_exist_is_a_404(client, secret, order_id):
    response = client.get(
        f"/api/v1/orders/{order_id}/", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 404
