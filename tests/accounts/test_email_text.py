"""Plain-text emails carry text as typed: a shop called `Glow & Go` is not `Glow &amp; Go` in
a subject or a text body (every *.txt email template renders inside {% autoescape off %})."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

pytestmark = pytest.mark.django_db

TRICKY = 'Glow & Go <US> "Best" O\'Neil'


@pytest.mark.django_db(transaction=True)
def test_a_shop_name_with_markup_characters_is_verbatim_in_the_invitation(client, shop, admin):
    shop.name = TRICKY
    shop.save()
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/membership/add/",
        {"shop": shop.pk, "email": "new.person@example.test", "role": "viewer"},
        follow=True,
    )
    assert response.status_code == 200
    (email,) = mail.outbox
    assert email.subject == f"You have been added to {TRICKY} on Seller Center"
    assert TRICKY in email.body
    assert "&amp;" not in email.body and "&lt;" not in email.body and "&#x27;" not in email.body
    for html, _mimetype in getattr(email, "alternatives", []):  # none today; escaped if ever
        assert "Glow &amp; Go &lt;US&gt;" in html


def test_the_password_reset_email_has_no_entities(client, admin):
    admin.first_name = "Ada & <Co>"
    admin.save()
    client.post("/accounts/password-reset/", {"email": admin.email})
    (email,) = mail.outbox
    assert email.subject == "Choose a new Seller Center password"
    assert "&amp;" not in email.body and "&#x2F;" not in email.body and "&#x27;" not in email.body


def test_every_text_email_template_renders_without_autoescape():
    """One way for every text email: the template opens with {% autoescape off %}."""
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    texts = [
        p
        for root in roots
        for p in root.rglob("*.txt")
        if "email" in p.parent.name or "email" in p.name or p.name.endswith("_subject.txt")
    ]
    assert texts
    for path in texts:
        body = path.read_text()
        assert body.startswith("{% autoescape off %}"), path
        assert body.rstrip().endswith("{% endautoescape %}"), path
