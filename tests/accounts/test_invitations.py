"""Invitations: the invitee is emailed a set-password link that works; role changes are audited
as from → to; the access review tells invitees apart from members gone quiet."""

import csv
import io
import re
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from accounts.models import AuditEvent, Membership, User
from accounts.selectors import ACCESS_REVIEW_CSV_HEADER
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

ADD = "/admin/accounts/membership/add/"
LINK = re.compile(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


def _invite(client, shop, email, role="fulfilment"):
    """Committed for real, so the email (sent once the role is saved) goes out in the request."""
    return client.post(ADD, {"shop": shop.pk, "email": email, "role": role}, follow=True)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.django_db(transaction=True)
def test_an_invitee_is_emailed_a_link_that_sets_the_password_and_signs_in(client, shop, admin):
    client.force_login(admin)
    response = _invite(client, shop, "new.person@example.test")
    assert response.status_code == 200
    shown = _messages(response)
    assert "/accounts/reset/" not in shown  # no link to copy off the page any more
    assert "An invitation email with a link to choose a password was sent to" in shown

    (email,) = mail.outbox
    assert email.to == ["new.person@example.test"]
    assert "North Shop" in email.subject
    assert "Fulfilment in North Shop" in email.body and "3 days" in email.body
    path = LINK.search(email.body).group(1)

    invitee = Client()
    form_page = invitee.get(path, follow=True)  # Django swaps the token for a session first
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    new_password = "a-fresh-long-passphrase"
    done = invitee.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert User.objects.get(email="new.person@example.test").check_password(new_password)

    signed_in = invitee.post(
        "/accounts/login/",
        {"username": "new.person@example.test", "password": new_password},
        follow=True,
    )
    assert signed_in.context["user"].email == "new.person@example.test"
    assert "North Shop" in signed_in.content.decode()
    assert invitee.get(path, follow=True).context["validlink"] is False  # the link works once


@pytest.mark.django_db(transaction=True)
def test_a_member_with_a_password_is_told_by_email_without_a_link(
    client, shop, other_shop, admin, outsider
):
    membership_elsewhere = Membership.objects.get(user=outsider)
    assert membership_elsewhere.shop == other_shop
    client.force_login(admin)
    _invite(
        client,
        shop,
        "outsider@example.test",
        "viewer",
    )
    (email,) = mail.outbox
    assert email.to == ["outsider@example.test"]
    assert "/accounts/reset/" not in email.body
    assert "Sign in as usual" in email.body
    assert User.objects.get(email="outsider@example.test").check_password(PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_keeps_the_role_and_says_the_email_was_not_sent(
    client, shop, admin, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    client.force_login(admin)
    response = _invite(client, shop, "new.person@example.test")
    assert response.status_code == 200
    assert "could not be sent" in _messages(response)
    assert Membership.objects.filter(user__email="new.person@example.test", shop=shop).exists()


def test_a_role_change_is_audited_from_and_to(client, shop, admin, cs_agent):
    membership = Membership.objects.get(user=cs_agent, shop=shop)
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/membership/{membership.pk}/change/", {"role": "accountant"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(target=cs_agent.email).first()
    assert event.action == "role_changed"
    assert event.summary == "Role changed from Customer service to Accountant"
    log = client.get("/admin/accounts/auditevent/").content.decode()
    assert "Role changed from Customer service to Accountant" in log
    assert "Role granted: Customer service" in log  # the first grant, in words too


def test_the_access_review_csv_marks_invitees(client, shop, admin, viewer):
    client.force_login(admin)  # the administrator has signed in; the viewer never has
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/accounts/access-review/?format=csv").content.decode())
        )
    )
    assert tuple(rows[0]) == ACCESS_REVIEW_CSV_HEADER
    state = {row["email"]: (row["inactive_90_days"], row["invited_not_signed_in"]) for row in rows}
    assert state == {"admin@example.test": ("no", "no"), "viewer@example.test": ("no", "yes")}


def test_the_access_review_shows_when_an_invitee_was_invited(client, shop, admin, viewer):
    client.force_login(admin)
    page = client.get("/accounts/access-review/").content.decode()
    assert "Invited, not signed in yet</span>" in page
    assert 'Never <span class="muted">(invited' in page
