"""The order list's results table, rendered by Jinja2 (sellercenter/jinja.py): buyer and
product text escaped, the bulk form's CSRF token, and an undefined name an error rather than
an empty cell."""

import pytest
from django.template import engines
from jinja2 import UndefinedError

from orders.models import OrderLine
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_buyer_and_product_text_is_escaped_in_the_rows(client, admin, shop):
    order = OrderFactory(shop=shop, recipient_name='<img src=x onerror="alert(1)">')
    OrderLine.objects.filter(order=order).update(product_name="<script>alert(2)</script>")
    client.force_login(admin)
    body = client.get("/orders/").content.decode()
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body
    assert "<img src=x" not in body and "<script>alert(2)" not in body


def test_the_rows_form_posts_with_a_csrf_token_and_the_list_query(client, admin, shop):
    OrderFactory(shop=shop)
    client.force_login(admin)
    body = client.get("/orders/?status=AWAITING_SHIPMENT").content.decode()
    form = body[
        body.index('<form id="selection"') : body.index("</form>", body.index('id="selection"'))
    ]
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="query" value="status=AWAITING_SHIPMENT"' in form


def test_a_name_the_template_was_not_given_is_an_error_not_an_empty_cell():
    template = engines["jinja2"].from_string("{{ page.rows }}")
    with pytest.raises(UndefinedError):
        template.render({})
