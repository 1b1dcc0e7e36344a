"""The account commands (README.md), through call_command: results in the database, and every
bad argument is a one-line CommandError that changes nothing."""

import csv
import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.shortcuts import get_perms

from accounts.models import AuditEvent, Membership, Shop, User
from accounts.roles import ROLE_PERMISSIONS, Role
from accounts.selectors import ACCESS_REVIEW_CSV_HEADER
from accounts.services import membership_grant
from tests.accounts.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as excinfo:
        run(*args)
    message = str(excinfo.value)
    assert "\n" not in message
    return message


def db_state() -> tuple:
    """Everything the commands could change, to prove a refused command changed nothing."""
    return (
        list(Shop.objects.values_list("slug", "name", "market", "currency", "timezone")),
        list(User.objects.values_list("email", "password")),
        list(Membership.objects.values_list("shop__slug", "user__email", "role")),
        AuditEvent.objects.count(),
    )


# --- shop_create ----------------------------------------------------------------------------

SHOP_ARGS = {
    "--slug": "east-shop",
    "--name": "East Shop",
    "--timezone": "Asia/Singapore",
    "--currency": "SGD",
    "--market": "SG",
}


def shop_create_args(**overrides: str) -> list[str]:
    values = {**SHOP_ARGS, **{f"--{key}": value for key, value in overrides.items()}}
    return ["shop_create", *(part for pair in values.items() for part in pair)]


def test_shop_create_creates_the_shop_with_its_fields():
    output = run(*shop_create_args())
    shop = Shop.objects.get(slug="east-shop")
    assert (shop.name, shop.timezone, shop.currency, shop.market) == (
        "East Shop",
        "Asia/Singapore",
        "SGD",
        "SG",
    )
    assert not shop.require_two_factor and not shop.memberships.exists()
    assert output.count("\n") == 1 and "Created shop east-shop" in output


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"slug": "East Shop!"}, "slug"),
        ({"timezone": "Mars/Olympus_Mons"}, "not an IANA time zone"),
        ({"currency": "usd"}, "ISO 4217"),
        ({"currency": "USDT"}, "currency"),
        ({"market": "USA"}, "two-letter country code"),
        ({"name": ""}, "name"),
    ],
)
def test_shop_create_refuses_bad_fields_and_changes_nothing(shop, overrides, reason):
    before = db_state()
    assert reason in fails(*shop_create_args(**overrides))
    assert db_state() == before


def test_shop_create_refuses_an_existing_slug(shop):
    before = db_state()
    message = fails(*shop_create_args(slug=shop.slug, name="Another name"))
    assert message == f"A shop with slug {shop.slug!r} already exists."
    assert db_state() == before


def test_shop_create_names_every_missing_argument():
    assert "--currency" in fails("shop_create", "--slug", "x", "--name", "X")


# --- member_add -----------------------------------------------------------------------------


def printed_link(output: str) -> str:
    return next(line for line in output.splitlines() if "/accounts/reset/" in line).strip()


def test_member_add_creates_the_person_and_prints_a_working_password_link(shop):
    output = run("member_add", "--shop", shop.slug, "--email", "New.Person@Example.test")

    user = User.objects.get(email="new.person@example.test")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user, shop=shop).role == Role.VIEWER
    assert set(get_perms(user, shop)) == {p.value for p in ROLE_PERMISSIONS[Role.VIEWER]}
    grant = AuditEvent.objects.get(action="role_granted", target=user.email)
    assert grant.actor is None and grant.shop == shop and grant.payload["role"] == "viewer"

    link = printed_link(output)
    assert link.startswith("http://127.0.0.1:8000/accounts/reset/")
    uidb64, token = link.rstrip("/").split("/")[-2:]
    assert force_str(urlsafe_base64_decode(uidb64)) == str(user.pk)
    assert default_token_generator.check_token(user, token)
    assert "Added new.person@example.test to north-shop as Viewer." in output


def test_the_printed_link_lets_the_new_member_choose_a_password(client, shop):
    output = run("member_add", "--shop", shop.slug, "--email", "fresh@example.test")
    response = client.get(urlsplit(printed_link(output)).path)
    assert response.status_code == 302  # Django moves the token into the session first
    new_password = "a long and new passphrase 2026"
    response = client.post(
        response["Location"], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    assert User.objects.get(email="fresh@example.test").check_password(new_password)


def test_member_add_prints_a_new_link_while_the_person_has_no_password(shop, other_shop):
    run("member_add", "--shop", shop.slug, "--email", "slow@example.test")
    output = run("member_add", "--shop", other_shop.slug, "--email", "slow@example.test")
    assert "No password chosen yet" in output
    token = printed_link(output).rstrip("/").split("/")[-1]
    assert default_token_generator.check_token(User.objects.get(email="slow@example.test"), token)
    assert User.objects.filter(email="slow@example.test").count() == 1


def test_member_add_link_uses_base_url_option_then_site_url(shop, settings):
    output = run(
        "member_add",
        "--shop",
        shop.slug,
        "--email",
        "a@example.test",
        "--base-url",
        "https://x.test/",
    )
    assert printed_link(output).startswith("https://x.test/accounts/reset/")
    settings.SITE_URL = "https://sellers.example.com"
    output = run("member_add", "--shop", shop.slug, "--email", "b@example.test")
    assert printed_link(output).startswith("https://sellers.example.com/accounts/reset/")


@pytest.mark.parametrize("role", list(Role))
def test_member_add_grants_exactly_the_roles_permissions(shop, other_shop, role):
    person = UserFactory(email="known@example.test")
    output = run("member_add", "--shop", shop.slug, "--email", person.email, "--role", role)
    assert Membership.objects.get(user=person, shop=shop).role == role
    assert set(get_perms(person, shop)) == {p.value for p in ROLE_PERMISSIONS[role]}
    assert get_perms(person, other_shop) == []
    assert "/accounts/reset/" not in output  # an existing password is left alone
    assert User.objects.filter(email=person.email).count() == 1


def test_member_add_changes_an_existing_members_role_and_says_so(shop, packer):
    output = run(
        "member_add", "--shop", shop.slug, "--email", "PACKER@example.test", "--role", "accountant"
    )
    assert "from Fulfilment to Accountant" in output
    assert Membership.objects.get(user=packer, shop=shop).role == Role.ACCOUNTANT
    assert set(get_perms(packer, shop)) == {p.value for p in ROLE_PERMISSIONS[Role.ACCOUNTANT]}
    last = AuditEvent.objects.filter(action="role_changed", target=packer.email).first()
    assert last.payload == {"role": "accountant", "previous_role": "fulfilment"}


def test_member_add_with_the_same_role_changes_nothing(shop, viewer):
    before = db_state()
    output = run("member_add", "--shop", shop.slug, "--email", viewer.email)
    assert "already is Viewer in north-shop; nothing changed" in output
    assert db_state() == before


def test_member_add_to_a_second_shop_keeps_the_first(shop, other_shop, viewer):
    run("member_add", "--shop", other_shop.slug, "--email", viewer.email, "--role", "fulfilment")
    roles = dict(Membership.objects.filter(user=viewer).values_list("shop__slug", "role"))
    assert roles == {"north-shop": "viewer", "south-shop": "fulfilment"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shop", "nowhere", "--email", "x@example.test"], "No shop with slug 'nowhere'."),
        (
            ["--shop", "north-shop", "--email", "x@example.test", "--role", "owner"],
            "Unknown role 'owner'; expected one of administrator, customer_service, "
            "fulfilment, accountant, viewer.",
        ),
        (["--shop", "north-shop", "--email", "not-an-email"], "'not-an-email' is not a valid"),
        (["--shop", "north-shop", "--email", "a@b@example.test"], "is not a valid email"),
        (
            ["--shop", "north-shop", "--email", "x@example.test", "--base-url", "ftp://x"],
            "--base-url must look like",
        ),
    ],
)
def test_member_add_refuses_bad_arguments_and_changes_nothing(shop, viewer, args, message):
    before = db_state()
    assert message in fails("member_add", *args)
    assert db_state() == before


# --- member_remove --------------------------------------------------------------------------


def test_member_remove_takes_the_role_and_permissions_away(shop, other_shop, packer):
    membership_grant(shop=other_shop, user=packer, role=Role.VIEWER, actor=None)
    output = run("member_remove", "--shop", shop.slug, "--email", packer.email.upper())
    assert output.strip() == "Removed packer@example.test from north-shop."
    assert not Membership.objects.filter(user=packer, shop=shop).exists()
    assert get_perms(packer, shop) == []
    assert Membership.objects.filter(user=packer, shop=other_shop).exists()  # other shop kept
    assert User.objects.filter(pk=packer.pk, is_active=True).exists()  # the account stays
    assert AuditEvent.objects.filter(action="role_revoked", target=packer.email).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shop", "nowhere", "--email", "viewer@example.test"], "No shop with slug 'nowhere'."),
        (
            ["--shop", "north-shop", "--email", "ghost@example.test"],
            "No user with email 'ghost@example.test'.",
        ),
        (["--shop", "north-shop", "--email", "nope"], "'nope' is not a valid email address."),
        (
            ["--shop", "south-shop", "--email", "viewer@example.test"],
            "viewer@example.test is not a member of south-shop.",
        ),
    ],
)
def test_member_remove_refuses_bad_arguments_and_changes_nothing(
    shop, other_shop, viewer, args, message
):
    before = db_state()
    assert fails("member_remove", *args) == message
    assert db_state() == before


# --- access_review --------------------------------------------------------------------------


@pytest.fixture
def reviewed(shop, other_shop, admin, viewer, outsider):
    """Admin: recent login and 2FA. Viewer: signed in 100 days ago, no 2FA. Outsider: never."""
    now = timezone.now()
    User.objects.filter(pk=admin.pk).update(last_login=now - timedelta(days=2))
    User.objects.filter(pk=viewer.pk).update(
        last_login=now - timedelta(days=100), last_activity_at=now - timedelta(days=99)
    )
    TOTPDevice.objects.create(user=admin, name="default", confirmed=True)
    TOTPDevice.objects.create(user=viewer, name="default", confirmed=False)  # never confirmed
    Shop.objects.filter(pk=shop.pk).update(require_two_factor=True)


def test_access_review_table_flags_inactive_members_and_missing_required_2fa(reviewed):
    lines = run("access_review").splitlines()
    header, *table, summary = [re.split(r"\s{2,}", line.strip()) for line in lines]
    assert header == [
        "SHOP",
        "EMAIL",
        "NAME",
        "ROLE",
        "LAST LOGIN",
        "LAST ACTIVITY",
        "2FA",
        "FLAGS",
    ]
    rows = {cells[1]: dict(zip(header, cells, strict=False)) for cells in table}
    assert list(rows) == ["admin@example.test", "viewer@example.test", "outsider@example.test"]
    assert rows["admin@example.test"]["2FA"] == "yes" and "FLAGS" not in rows["admin@example.test"]
    assert rows["viewer@example.test"]["2FA"] == "no"
    assert rows["viewer@example.test"]["FLAGS"] == "inactive 90+ days, no 2FA"
    # South Shop does not require two-factor; its administrator never signed in: invited.
    outsider = rows["outsider@example.test"]
    assert (outsider["SHOP"], outsider["LAST LOGIN"], outsider["LAST ACTIVITY"]) == (
        "south-shop",
        "never",
        "never",
    )
    assert outsider["FLAGS"] == "invited, not signed in yet"
    assert summary[0].startswith(
        "3 memberships; 1 inactive 90+ days; 1 invited, not signed in yet; 1 without the 2FA"
    )


def test_access_review_for_one_shop_as_csv(reviewed):
    rows = list(csv.reader(io.StringIO(run("access_review", "--shop", "north-shop", "--csv"))))
    assert tuple(rows[0]) == ACCESS_REVIEW_CSV_HEADER
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["email"] for r in records] == ["admin@example.test", "viewer@example.test"]
    admin_row, viewer_row = records
    assert (admin_row["two_factor"], admin_row["inactive_90_days"]) == ("yes", "no")
    assert admin_row["missing_required_2fa"] == "no" and admin_row["role"] == "administrator"
    assert viewer_row["two_factor"] == "no" and viewer_row["inactive_90_days"] == "yes"
    assert viewer_row["missing_required_2fa"] == "yes"
    assert viewer_row["last_login"].endswith("-07:00") or viewer_row["last_login"].endswith(
        "-08:00"
    )


def test_access_review_csv_neutralises_formulas(shop):
    user = member(shop=shop, role=Role.VIEWER, email="formula@example.test")
    User.objects.filter(pk=user.pk).update(full_name='=HYPERLINK("http://evil.test")')
    rows = list(csv.reader(io.StringIO(run("access_review", "--csv"))))
    assert rows[1][3] == '\'=HYPERLINK("http://evil.test")'


def test_access_review_of_an_unknown_shop_is_refused():
    assert fails("access_review", "--shop", "nowhere") == "No shop with slug 'nowhere'."


def test_access_review_with_no_members_says_so(shop):
    assert run("access_review").splitlines()[-1].startswith("0 memberships;")
