"""Two-factor: set-up with a code computed here, sign-in with it, recovery codes, enforcement."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import AuditEvent
from tests.accounts.factories import PASSWORD
from tests.accounts.helpers import code_for
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(viewer):
    """The viewer with a confirmed app and recovery codes."""
    device = two_factor.totp_device_pending(user=viewer)
    codes = two_factor.two_factor_enable(user=viewer, device=device, code=code_for(device))
    device.refresh_from_db()
    device.last_t = -1  # let the test use the current code again
    device.save(update_fields=["last_t"])
    return device, codes


def _password_step(client, email):
    return client.post("/accounts/login/", {"username": email, "password": PASSWORD})


def test_setup_page_shows_a_qr_code_and_the_manual_key(client, viewer):
    client.force_login(viewer)
    body = client.get("/accounts/two-factor/").content.decode()
    assert 'src="data:image/svg+xml' in body
    device = TOTPDevice.objects.get(user=viewer, confirmed=False)
    key = re.search(r'class="manual-key">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    import base64

    assert base64.b32decode(key) == device.bin_key


def test_setup_with_the_right_code_turns_it_on_and_shows_recovery_codes(client, viewer):
    client.force_login(viewer)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=viewer)
    response = client.post("/accounts/two-factor/", {"code": code_for(device)})
    assert response.status_code == 200
    assert "Your recovery codes" in response.content.decode()
    assert len(response.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="2fa_enabled", actor=viewer).exists()


def test_setup_with_a_wrong_code_changes_nothing(client, viewer):
    client.force_login(viewer)
    client.get("/accounts/two-factor/")
    response = client.post("/accounts/two-factor/", {"code": "000000"})
    assert "does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=viewer, confirmed=True).exists()


def test_sign_in_with_two_factor_needs_the_code(client, viewer, enrolled):
    device, _ = enrolled
    response = _password_step(client, viewer.email)
    assert response["Location"] == "/accounts/login/verify/"
    assert "_auth_user_id" not in client.session, "not signed in after the password alone"
    assert client.get("/").status_code == 302

    response = client.post("/accounts/login/verify/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(viewer.pk)
    assert AuditEvent.objects.filter(action="login", actor=viewer).exists()


def test_wrong_code_is_refused_and_audited(client, viewer, enrolled):
    _password_step(client, viewer.email)
    response = client.post("/accounts/login/verify/", {"code": "123456"})
    assert "not valid" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed", payload__step="two_factor").exists()


def test_a_used_code_cannot_be_replayed(client, viewer, enrolled):
    device, _ = enrolled
    code = code_for(device)
    _password_step(client, viewer.email)
    client.post("/accounts/login/verify/", {"code": code})
    client.post("/accounts/logout/")
    _password_step(client, viewer.email)
    response = client.post("/accounts/login/verify/", {"code": code})
    assert "_auth_user_id" not in client.session
    assert "not valid" in response.content.decode()


def test_recovery_codes_work_once(client, viewer, enrolled):
    _, codes = enrolled
    _password_step(client, viewer.email)
    assert client.post("/accounts/login/verify/", {"code": codes[0]}).status_code == 302
    assert StaticToken.objects.filter(device__user=viewer).count() == 9
    client.post("/accounts/logout/")
    _password_step(client, viewer.email)
    client.post("/accounts/login/verify/", {"code": codes[0]})
    assert "_auth_user_id" not in client.session


def test_verify_step_without_a_password_step_sends_back_to_sign_in(client):
    response = client.post("/accounts/login/verify/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_disable_needs_the_password(client, viewer, enrolled):
    client.force_login(viewer)
    client.post("/accounts/two-factor/disable/", {"disable-password": "wrong"})
    assert TOTPDevice.objects.filter(user=viewer, confirmed=True).exists()
    client.post("/accounts/two-factor/disable/", {"disable-password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    assert AuditEvent.objects.filter(action="2fa_disabled", actor=viewer).exists()


def test_new_recovery_codes_replace_the_old_ones(client, viewer, enrolled):
    _, old = enrolled
    client.force_login(viewer)
    response = client.post("/accounts/two-factor/recovery-codes/", {"codes-password": PASSWORD})
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(
        StaticToken.objects.filter(device__user=viewer).values_list("token", flat=True)
    ) == set(new)


def test_shop_requiring_two_factor_hides_its_orders_until_verified(client, shop, viewer):
    shop.require_two_factor = True
    shop.save(update_fields=["require_two_factor"])
    OrderFactory(shop=shop)
    _password_step(client, viewer.email)  # no device yet: a plain sign-in
    response = client.get("/")
    assert response.context["shops"] == []
    assert [hidden.name for hidden in response.context["shops_awaiting_two_factor"]] == [shop.name]
    assert "its orders stay hidden until you" in response.content.decode()

    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=viewer)
    client.post("/accounts/two-factor/", {"code": code_for(device)})  # verifies this session
    verified = client.get("/")
    shops = verified.context["shops"]
    assert [entry.shop for entry in shops] == [shop] and shops[0].total == 1
    assert "its orders stay hidden" not in verified.content.decode()
