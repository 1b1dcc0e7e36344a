"""Django admin in words, as the portal is: app headings people can read,
a saved view's filters as the order list's chips say them."""

import pytest

from orders.models import SavedView

pytestmark = pytest.mark.django_db


def test_the_two_factor_apps_have_readable_headings(client, superuser):
    client.force_login(superuser)
    index = client.get("/admin/").content.decode()
    assert "Two-factor: recovery codes" in index and "Two-factor: authenticator apps" in index
    for label in ("Otp_Static", "Otp_Totp"):  # Django's default, shown in capitals
        assert f">{label}<" not in index and f"Models in the {label} application" not in index
    # The sidebar of any admin page says the same.
    page = client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert "Two-factor: authenticator apps" in page


def test_saved_views_list_their_filters_in_words(client, superuser, admin, shop):
    SavedView.objects.create(
        name="Transit review",
        shop=shop,
        owner=admin,
        query_string="status=IN_TRANSIT&sort=-created",
    )
    client.force_login(superuser)
    page = client.get("/admin/orders/savedview/").content.decode()
    assert "Status: In transit" in page
    assert "status=IN_TRANSIT" not in page
