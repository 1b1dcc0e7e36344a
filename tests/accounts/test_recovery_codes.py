"""Recovery codes leave the page safely: copied (static script, CSP) or downloaded as a .txt
file, only by the session that just made them, and never cached."""

import pytest
from django.contrib.staticfiles import finders
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.views import CODES_DOWNLOAD_SECONDS, CODES_SHOWN_KEY
from tests.accounts.factories import PASSWORD
from tests.accounts.helpers import code_for

pytestmark = pytest.mark.django_db

DOWNLOAD = "/accounts/two-factor/recovery-codes.txt"


def _turn_on(client, user):
    """Set up two-factor through the page, as a person does: the codes page is the answer."""
    client.force_login(user)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    return client.post("/accounts/two-factor/", {"code": code_for(device)})


def _codes_in(download) -> list[str]:
    return [line for line in download.content.decode().splitlines()[3:] if line]


def test_the_codes_just_made_download_as_a_text_file_never_cached(client, viewer):
    page = _turn_on(client, viewer)
    assert "no-store" in page["Cache-Control"]  # the page showing them is not kept either
    codes = page.context["codes"]
    body = page.content.decode()
    assert f'href="{DOWNLOAD}" download' in body
    assert 'data-copy-codes="recovery-codes"' in body and "recovery-codes.js" in body

    download = client.get(DOWNLOAD)
    assert download.status_code == 200
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"] == (
        'attachment; filename="seller-center-recovery-codes.txt"'
    )
    assert "no-store" in download["Cache-Control"]
    assert _codes_in(download) == codes
    assert viewer.email in download.content.decode().splitlines()[0]


def test_new_codes_download_in_place_of_the_old(client, viewer):
    old = _turn_on(client, viewer).context["codes"]
    new = client.post("/accounts/two-factor/recovery-codes/", {"codes-password": PASSWORD})
    assert "no-store" in new["Cache-Control"]
    assert _codes_in(client.get(DOWNLOAD)) == new.context["codes"] != old


def test_later_or_in_another_session_the_codes_are_not_downloadable(client, viewer):
    _turn_on(client, viewer)
    session = client.session
    session[CODES_SHOWN_KEY] -= CODES_DOWNLOAD_SECONDS + 1
    session.save()
    late = client.get(DOWNLOAD, follow=True)
    assert late.redirect_chain == [("/accounts/two-factor/", 302)]
    assert "only right after they are made" in late.content.decode()

    other = type(client)()
    other.force_login(viewer)  # password only, and not the session that made them
    assert other.get(DOWNLOAD)["Location"] == "/accounts/two-factor/"


def test_without_two_factor_there_is_nothing_to_download(client, viewer):
    client.force_login(viewer)
    assert client.get(DOWNLOAD)["Location"] == "/accounts/two-factor/"


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(DOWNLOAD)["Location"] == f"/accounts/login/?next={DOWNLOAD}"


def test_the_copy_script_is_a_static_file():
    assert finders.find("js/recovery-codes.js")
