"""The Shop admin's tracking provider: only what this deployment can call, and the stored value."""

import pytest

from accounts.models import Shop
from tests.accounts.helpers import inline_post

pytestmark = pytest.mark.django_db

DEFAULT = ("", "The deployment's default")


@pytest.fixture
def production_like(settings):
    """AfterShip keyed, no 17TRACK key, no simulator: what a production deployment may be."""
    settings.TRACKING_SIMULATOR_ENABLED = False
    settings.TRACKING_17TRACK_API_KEY = ""
    settings.TRACKING_AFTERSHIP_API_KEY = "aftership-key"
    return settings


def _choices(client, shop):
    page = client.get(f"/admin/accounts/shop/{shop.pk}/change/")
    return list(page.context["adminform"].form.fields["tracking_provider"].choices)


def _save(client, shop, provider):
    return client.post(
        f"/admin/accounts/shop/{shop.pk}/change/",
        {**inline_post(shop, []), "tracking_provider": provider},
    )


def test_only_configured_providers_are_offered(client, superuser, shop, production_like):
    client.force_login(superuser)
    assert _choices(client, shop) == [DEFAULT, ("aftership", "AfterShip")]


def test_the_simulator_is_offered_where_it_is_enabled(client, admin, shop, settings):
    settings.TRACKING_SIMULATOR_ENABLED = True
    settings.TRACKING_17TRACK_API_KEY = "17track-key"
    settings.TRACKING_AFTERSHIP_API_KEY = ""
    client.force_login(admin)  # a shop administrator sees the same choices
    assert _choices(client, shop) == [
        DEFAULT,
        ("17track", "17TRACK"),
        ("simulator", "Simulated carrier (demo only)"),
    ]


def test_a_stored_unconfigured_provider_stays_visible_and_is_kept_on_save(
    client, superuser, shop, production_like
):
    Shop.objects.filter(pk=shop.pk).update(tracking_provider="simulator")
    shop.refresh_from_db()
    client.force_login(superuser)
    assert _choices(client, shop) == [
        DEFAULT,
        ("aftership", "AfterShip"),
        ("simulator", "Simulated carrier (demo only) (not configured here)"),
    ]
    response = _save(client, shop, "simulator")
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.tracking_provider == "simulator"


def test_an_unconfigured_provider_cannot_be_chosen(client, superuser, shop, production_like):
    client.force_login(superuser)
    response = _save(client, shop, "17track")
    assert response.status_code == 200  # the form comes back with the reason
    assert "tracking_provider" in response.context["adminform"].form.errors
    shop.refresh_from_db()
    assert shop.tracking_provider == ""


def test_a_configured_provider_can_be_chosen(client, superuser, shop, production_like):
    client.force_login(superuser)
    assert _save(client, shop, "aftership").status_code == 302
    shop.refresh_from_db()
    assert shop.tracking_provider == "aftership"


@pytest.mark.parametrize(
    "default, keyed, words",
    [
        ("aftership", "aftership-key", "This deployment's default is AfterShip, unless a service"),
        ("17track", "", "default is 17TRACK, which is not configured here: new parcels are"),
        ("", "aftership-key", "This deployment has no default service: new parcels are recorded"),
    ],
)
def test_the_help_text_names_the_default_provider_in_words(
    client, admin, shop, production_like, default, keyed, words
):
    production_like.TRACKING_DEFAULT_PROVIDER = default
    production_like.TRACKING_AFTERSHIP_API_KEY = keyed
    client.force_login(admin)
    page = client.get(f"/admin/accounts/shop/{shop.pk}/change/").content.decode()
    assert words in page
    assert "TRACKING_DEFAULT_PROVIDER" not in page
