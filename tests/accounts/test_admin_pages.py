"""Every page of Django admin, as a shop administrator and as a superuser: never a 500.

The pages are generated from `admin.site._registry`, so a new ModelAdmin is opened here without
anyone remembering to add it; its object comes from tests/permission_world.py, which fails
naming the model when it has none. And the shop page does what a shop administrator opens it
for: changing the refund limit and requiring two-factor.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin_forms import REQUIRE_TWO_FACTOR_FIRST
from accounts.models import AuditEvent, Membership, Shop, ShopUserObjectPermission, User
from accounts.roles import Role
from tests.permission_world import SUPERUSER, world_build

pytestmark = pytest.mark.django_db

# What a shop administrator is there for (accounts/admin_scope.py): their shops, their people,
# memberships, permission rows and audit events. Everything else in admin is for superusers.
SHOP_ADMIN_MODELS = {Shop, User, Membership, ShopUserObjectPermission, AuditEvent}
SHOP_ADMIN_ADDS = {Membership}  # they invite people; shops and accounts are made by superusers


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world_build()


def _pages(world):
    """(model, view, url) of the changelist, add and change page of every registered admin."""
    for model in admin.site._registry:
        names = model._meta.app_label, model._meta.model_name
        obj = world.admin_objects[model]
        yield model, "changelist", reverse("admin:{}_{}_changelist".format(*names))
        yield model, "add", reverse("admin:{}_{}_add".format(*names))
        yield model, "change", reverse("admin:{}_{}_change".format(*names), args=[obj.pk])


def _expected_for_superuser(model, view, user) -> int:
    """200, or 403 where the admin refuses adding by design (read-only rows, TikTok's orders)."""
    if view != "add":
        return 200
    request = RequestFactory().get("/admin/")
    request.user = user
    return 200 if admin.site._registry[model].has_add_permission(request) else 403


def _expected_for_shop_admin(model, view) -> int:
    if model not in SHOP_ADMIN_MODELS:
        return 403
    if view == "add":
        return 200 if model in SHOP_ADMIN_ADDS else 403
    return 200


def _open_every_page(client, world, expected) -> list[str]:
    wrong = []
    for model, view, url in _pages(world):
        try:
            response = client.get(url)
        except Exception as exc:  # the test client re-raises what would have been a 500
            wrong.append(f"{url}: {type(exc).__name__}: {exc}")
            continue
        want = expected(model, view)
        if response.status_code != want:
            wrong.append(f"{url}: {response.status_code}, expected {want}")
        elif want == 200 and view == "changelist":
            shown = list(response.context["cl"].result_list)
            if world.admin_objects[model] not in shown:
                wrong.append(f"{url}: the object of the shop is not listed")
    return wrong


def test_a_shop_administrator_opens_every_admin_page_without_an_error(world):
    client = world.client(Role.ADMINISTRATOR)
    wrong = _open_every_page(client, world, _expected_for_shop_admin)
    assert not wrong, "\n".join(wrong)


def test_a_superuser_opens_every_admin_page_without_an_error(world):
    root = world.user(SUPERUSER)
    wrong = _open_every_page(
        world.client(SUPERUSER),
        world,
        lambda model, view: _expected_for_superuser(model, view, root),
    )
    assert not wrong, "\n".join(wrong)


# --- The shop page, as its administrator -----------------------------------------------------


def _shop_post(shop, **changes) -> dict:
    """The shop page's form as the shop administrator sees it (no slug or TikTok ids)."""
    members = list(Membership.objects.filter(shop=shop))
    data = {
        "name": shop.name,
        "market": shop.market,
        "currency": shop.currency,
        "timezone": shop.timezone,
        "refund_limit": str(shop.refund_limit),
        "tracking_provider": shop.tracking_provider,
        "memberships-TOTAL_FORMS": str(len(members)),
        "memberships-INITIAL_FORMS": str(len(members)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, membership in enumerate(members):
        prefix = f"memberships-{i}-"
        data.update(
            {
                f"{prefix}id": membership.pk,
                f"{prefix}shop": shop.pk,
                f"{prefix}user": membership.user_id,
                f"{prefix}role": membership.role,
            }
        )
    data.update(changes)
    return data


def _signed_in_with_two_factor(client, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def test_a_shop_administrator_changes_the_refund_limit_and_requires_two_factor(
    client, shop, admin, viewer
):
    _signed_in_with_two_factor(client, admin)
    url = f"/admin/accounts/shop/{shop.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, _shop_post(shop, refund_limit="75.50", require_two_factor="on"), follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain == [("/admin/accounts/shop/", 302)]
    assert list(response.context["cl"].result_list) == [shop]  # still theirs to open
    shop.refresh_from_db()
    assert (str(shop.refund_limit), shop.require_two_factor) == ("75.50", True)
    assert Membership.objects.filter(shop=shop).count() == 2  # the members are untouched


def test_requiring_two_factor_without_it_is_refused_so_the_administrator_keeps_the_shop(
    client, shop, admin
):
    client.force_login(admin)  # no second factor in this session
    response = client.post(
        f"/admin/accounts/shop/{shop.pk}/change/",
        _shop_post(shop, refund_limit="75.50", require_two_factor="on"),
    )
    assert response.status_code == 200  # the form again, with the reason
    errors = response.context["adminform"].form.errors
    assert errors["require_two_factor"] == [REQUIRE_TWO_FACTOR_FIRST]
    shop.refresh_from_db()
    assert (str(shop.refund_limit), shop.require_two_factor) == ("50.00", False)
    assert client.get(f"/admin/accounts/shop/{shop.pk}/change/").status_code == 200


def test_a_shop_administrator_changes_the_refund_limit_without_two_factor(client, shop, admin):
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/shop/{shop.pk}/change/", _shop_post(shop, refund_limit="20")
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert str(shop.refund_limit) == "20.00"


def test_a_bad_refund_limit_is_a_form_error_and_nothing_changes(client, shop, admin):
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/shop/{shop.pk}/change/", _shop_post(shop, refund_limit="-5")
    )
    assert response.status_code == 200
    assert "refund_limit" in response.context["adminform"].form.errors
    shop.refresh_from_db()
    assert str(shop.refund_limit) == "50.00"
