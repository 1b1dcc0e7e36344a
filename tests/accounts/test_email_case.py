"""Email addresses are one address whatever their case: sign-in, lockout, reset, invitations
and the commands find the same account, and every address is stored lower-cased."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Membership, User
from accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, email, password=PASSWORD, url="/accounts/login/"):
    return client.post(url, {"username": email, "password": password})


@pytest.mark.parametrize(
    "typed", ["Viewer@example.test", "VIEWER@EXAMPLE.TEST", " viewer@Example.Test "]
)
def test_sign_in_ignores_the_case_of_the_address(client, viewer, typed):
    response = _sign_in(client, typed)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/orders/").context["user"] == viewer


def test_django_admin_sign_in_ignores_it_too(client, superuser):
    response = _sign_in(client, "Root@Example.TEST", url="/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_failures_in_any_case_count_towards_one_lockout(client, viewer):
    for typed in ("viewer@example.test", "Viewer@example.test", "vIewer@example.test"):
        _sign_in(client, typed, "wrong-password")
    for typed in ("viEwer@example.test", "VIEWER@example.test"):
        _sign_in(client, typed, "wrong-password")
    assert _sign_in(client, "ViEwEr@example.test").status_code == 429


def test_addresses_are_stored_lower_cased_however_they_are_saved(db):
    made = User.objects.create_user(email=" Mixed.Case@Example.TEST ")
    saved = User(email="Plain.Save@Example.test")
    saved.save()
    assert made.email == "mixed.case@example.test"
    assert User.objects.get(pk=saved.pk).email == "plain.save@example.test"


def test_the_validating_normaliser_says_so_in_its_name():
    """Two helpers: one only trims and lower-cases (every save), one also refuses non-addresses
    (commands, invitations); the names tell them apart."""
    from accounts import selectors
    from accounts.exceptions import InvalidEmail
    from accounts.models import email_address_normalize

    assert selectors.email_validated("  Viewer@Example.Test ") == "viewer@example.test"
    with pytest.raises(InvalidEmail):
        selectors.email_validated("Not An Address")
    assert email_address_normalize("Not An Address") == "not an address"
    assert not hasattr(selectors, "email_normalize")


def test_two_accounts_cannot_differ_only_by_case(viewer):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=UserFactory(email="someone@example.test").pk).update(
            email="VIEWER@example.test"
        )


def test_password_reset_finds_the_account_in_any_case(client, viewer):
    client.post("/accounts/password-reset/", {"email": "Viewer@EXAMPLE.test"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["viewer@example.test"]
    assert re.search(r"/accounts/reset/\S+/", mail.outbox[0].body)


def test_member_add_and_admin_invitations_reuse_the_account(client, shop, other_shop, viewer):
    out = io.StringIO()
    call_command(
        "member_add",
        "--shop",
        other_shop.slug,
        "--email",
        "VIEWER@example.test",
        "--role",
        Role.ACCOUNTANT,
        stdout=out,
    )
    assert "viewer@example.test" in out.getvalue()
    assert User.objects.filter(email__iexact="viewer@example.test").count() == 1
    assert Membership.objects.get(user=viewer, shop=other_shop).role == Role.ACCOUNTANT


def test_the_admin_add_user_form_refuses_an_address_differing_only_by_case(
    client, superuser, viewer
):
    client.force_login(superuser)
    response = client.post(
        "/admin/accounts/user/add/",
        {"email": "Viewer@Example.test", "password1": PASSWORD + "x", "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="viewer@example.test").count() == 1


# --- the data migration ---------------------------------------------------------------------

BEFORE = [("accounts", "0002_activity_and_preferred_shop")]
AFTER = [("accounts", "0003_email_lower_case")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_lower_cases_addresses_and_refuses_to_merge_collisions():
    old = _migrate(BEFORE).get_model("accounts", "User")
    try:
        alone = old.objects.create(email="Alone@Example.test", password="!")
        first = old.objects.create(email="Viewer@demo.test", password="!")
        second = old.objects.create(email="viewer@demo.test", password="!")
        with pytest.raises(RuntimeError) as refused:
            _migrate(AFTER)
        message = str(refused.value)
        assert f"Viewer@demo.test (id {first.pk})" in message
        assert f"viewer@demo.test (id {second.pk})" in message
        assert "Alone" not in message and "Nothing was changed" in message
        assert old.objects.get(pk=alone.pk).email == "Alone@Example.test"  # rolled back

        old.objects.filter(pk=first.pk).update(email="viewer.old@demo.test")  # the operator decides
        _migrate(AFTER)
        assert User.objects.get(pk=alone.pk).email == "alone@example.test"
        assert User.objects.get(pk=second.pk).email == "viewer@demo.test"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
