"""django-import-export in Django admin: who may use it, neutralised cells, the row cap."""

import pytest

from accounts.models import AuditAction, AuditEvent
from orders import resources
from orders.models import Order
from orders.resources import OrderResource
from tests.orders.factories import OrderFactory

# import-export's own admin templates use variables they do not always pass.
pytestmark = [pytest.mark.django_db, pytest.mark.ignore_template_errors]
EXPORT = "/admin/orders/order/export/"
IMPORT = "/admin/orders/order/import/"


def _export_form(**extra) -> dict:
    """Format 0 (CSV) with every field of the resource ticked, as the admin form posts it."""
    ticked = {f"orderresource_{name}": "on" for name in OrderResource._meta.fields}
    return {"format": "0", "resource": "0", **ticked, **extra}


def test_shop_administrators_cannot_use_admin_import_or_export(client, admin):
    client.force_login(admin)  # staff, but without the model permissions
    for url in (EXPORT, IMPORT):
        assert client.get(url).status_code in (302, 403)


def test_superuser_exports_a_csv_with_neutralised_text(client, superuser, shop):
    OrderFactory(shop=shop, seller_note="=HYPERLINK(1)")
    client.force_login(superuser)
    response = client.post(EXPORT, _export_form())
    body = response.content.decode()
    assert response.status_code == 200, body[:500]
    assert "'=HYPERLINK(1)" in body and "seller_note" in body
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT_CREATED, actor=superuser).exists()


def test_the_admin_export_is_capped(client, superuser, shop, monkeypatch):
    OrderFactory.create_batch(2, shop=shop)
    monkeypatch.setattr(resources, "ADMIN_EXPORT_MAX_ROWS", 1)
    monkeypatch.setattr("orders.admin.ADMIN_EXPORT_MAX_ROWS", 1)
    client.force_login(superuser)
    response = client.post(EXPORT, _export_form(), follow=True)
    assert "More than 1 orders" in response.content.decode()


def test_superuser_imports_with_a_dry_run_first(client, superuser, shop):
    order = OrderFactory(shop=shop, seller_note="old")
    client.force_login(superuser)
    header = "shop,order_id,seller_note\n"
    good = f"{header}{shop.slug},{order.order_id},packed twice\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("orders.csv", good, content_type="text/csv")
    confirm = client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0"})
    assert confirm.status_code == 200
    assert Order.objects.get(pk=order.pk).seller_note == "old"  # dry run changes nothing
