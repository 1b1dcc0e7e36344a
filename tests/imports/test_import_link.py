"""After an import, "view the imported orders" lists exactly the orders that import created or
updated: the order list's `import_job` filter, scoped to the user's shops."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from imports.models import ImportJob
from tests.accounts.factories import member
from tests.imports.tiktok_files import sku_csv, sku_row
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
FIRST, SECOND, THIRD = "576123400000000011", "576123400000000012", "576123400000000013"


def _order(order_id: str, **cells) -> list[str]:
    return sku_row(**{"Order ID": f"{order_id}\t", **cells})


def _import(client, shop, data: bytes, name: str) -> ImportJob:
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    client.post("/orders/import/", {"shop": shop.slug, "file": upload})
    job = ImportJob.objects.get(file_name=name)
    client.post(f"/orders/import/{job.pk}/apply/")
    job.refresh_from_db()
    assert (job.stage, job.state) == ("apply", "finished")
    return job


def _listed(page: str) -> set[str]:
    return set(re.findall(r"\b57612340000000001\d\b", page))


def test_view_the_imported_orders_lists_exactly_what_that_import_stored(client, admin, shop):
    OrderFactory(shop=shop)  # an order no import touched
    client.force_login(admin)
    _import(client, shop, sku_csv(_order(FIRST), _order(SECOND)), "monday.csv")
    shipped = {"Order Status": "Shipped", "Order Substatus": "In transit"}
    later = _import(
        client, shop, sku_csv(_order(FIRST), _order(SECOND, **shipped), _order(THIRD)), "tue.csv"
    )
    assert (later.report["created"], later.report["updated"], later.report["unchanged"]) == (
        1,
        1,
        1,
    )
    page = client.get(f"/orders/import/{later.pk}/").content.decode()
    link = f"/orders/?shop={shop.slug}&amp;import_job={later.pk}"
    assert f'href="{link}">View the imported orders</a>' in page
    listing = client.get(f"/orders/?shop={shop.slug}&import_job={later.pk}")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert _listed(html) == {SECOND, THIRD}  # not the unchanged FIRST, nor the other order
    assert "Imported from tue.csv" in html  # the chip that removes it
    assert f'name="import_job" value="{later.pk}"' in html  # kept when another filter changes
    counts = client.get(f"/orders/counts/?shop={shop.slug}&import_job={later.pk}")
    assert counts.status_code == 200


def test_the_apply_redirect_leads_to_the_imported_orders(client, admin, shop):
    client.force_login(admin)
    upload = SimpleUploadedFile("orders.csv", sku_csv(_order(FIRST)), content_type="text/csv")
    client.post("/orders/import/", {"shop": shop.slug, "file": upload})
    job = ImportJob.objects.get()
    applied = client.post(f"/orders/import/{job.pk}/apply/")
    assert applied["Location"] == f"/orders/?shop={shop.slug}&import_job={job.pk}"
    assert _listed(client.get(applied["Location"]).content.decode()) == {FIRST}


def test_the_command_line_import_can_be_listed_too(client, admin, shop, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(sku_csv(_order(FIRST), _order(SECOND)))
    call_command("import_tiktok_orders", str(path), "--shop", shop.slug)
    job = ImportJob.objects.get()
    client.force_login(admin)
    page = client.get(f"/orders/?import_job={job.pk}").content.decode()
    assert _listed(page) == {FIRST, SECOND}


@pytest.mark.parametrize(
    "value", ["abc", "-1", "0", "1.5", "99999999999999999999999", "١٢", "foreign", "missing"]
)
def test_another_shops_or_a_bad_import_number_is_a_clear_message(
    client, admin, shop, other_shop, value
):
    OrderFactory(shop=shop, order_id=FIRST)
    foreign = ImportJob.objects.create(shop=other_shop, file_name="theirs.csv", stage="apply")
    value = {"foreign": str(foreign.pk), "missing": str(foreign.pk + 100)}.get(value, value)
    client.force_login(admin)
    response = client.get("/orders/", {"import_job": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No import with that number in your shops" in html
    assert "theirs.csv" not in html
    counts = client.get("/orders/counts/", {"import_job": value})
    assert counts.status_code == 200


def test_a_viewer_of_the_shop_may_follow_the_link(client, shop):
    viewer = member(shop=shop, role="viewer")
    job = ImportJob.objects.create(shop=shop, file_name="orders.csv", stage="apply")
    client.force_login(viewer)
    response = client.get("/orders/", {"shop": shop.slug, "import_job": job.pk})
    assert response.status_code == 200
    assert "Imported from orders.csv" in response.content.decode()
