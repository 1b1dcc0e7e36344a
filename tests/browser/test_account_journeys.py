"""Account and security journeys in a real browser: two-factor set-up (recovery codes copied and
downloaded) and sign-in; an administrator granting a role in Django admin that the new member
then uses; an invitation by email that the invitee follows; the access review and the shop
page in admin, on a desktop and on a phone."""

import re
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import Shop
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import code_for
from tests.browser.conftest import HOME, fits_the_screen, screenshot, sign_in
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Each visible table and what hides part of it: the nearest box that clips it, or the screen.
TABLES_CUT_OFF = """(screen) => {
  const width = Math.min(document.documentElement.clientWidth, screen);
  const fits = (r, left, right) => r.left >= left - 1 && r.right <= right + 1;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/ +/).join(".") : "");
  const cut = [];
  for (const table of document.querySelectorAll("table")) {
    const r = table.getBoundingClientRect();
    if (!r.width || !r.height) continue;  // not shown (a template row, a closed section)
    let verdict = null;
    for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX, b = box.getBoundingClientRect();
      if (overflow === "auto" || overflow === "scroll") {  // scrolls inside its own box
        verdict = fits(b, 0, width) ? "ok" : `its scroll box ${name(box)} ends at ${b.right}`;
        break;
      }
      if ((overflow === "hidden" || overflow === "clip") && !fits(r, b.left, b.right)) {
        verdict = `cut off by ${name(box)} at ${b.right}`;
        break;
      }
    }
    verdict = verdict || (fits(r, 0, width) ? "ok" : "beyond the screen");
    const where = `${Math.round(r.left)}–${Math.round(r.right)} px`;
    if (verdict !== "ok") cut.push(`${name(table)} (${where}): ${verdict}`);
  }
  return cut;
}"""


def tables_fit(page) -> None:
    """Every table shown is wholly on the screen, or inside a box of its own that scrolls
    sideways (and that box is on the screen): nothing is cut off at the edge."""
    cut = page.evaluate(TABLES_CUT_OFF, page.viewport_size["width"])
    assert not cut, f"{page.url}: " + "; ".join(cut)


def sign_in_with_code(page, user, device) -> None:
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the current code may be reused
    sign_in(page, user.email)
    page.wait_for_url("**/accounts/login/verify/")
    page.get_by_role("textbox", name="Code").fill(code_for(device))
    page.get_by_role("button", name="Verify and sign in").click()
    page.wait_for_url(HOME)


def test_member_sets_up_two_factor_then_signs_in_with_a_code(new_page, shop, viewer):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    OrderFactory(shop=shop)
    sign_in(page, viewer.email)
    page.wait_for_url("**/")
    page.locator("summary").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    page.wait_for_url("**/accounts/two-factor/")
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    screenshot(page, "two-factor-setup")

    device = TOTPDevice.objects.get(user=viewer, confirmed=False)
    page.get_by_role("textbox", name="Code").fill(code_for(device))
    page.get_by_role("button", name="Turn on two-factor").click()
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="Copy codes").click()
    page.get_by_role("status").filter(has_text="Copied 10 codes").wait_for()  # a promise
    assert page.evaluate("() => navigator.clipboard.readText()").split() == codes
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a text file").click()
    assert download.value.suggested_filename == "seller-center-recovery-codes.txt"
    assert Path(download.value.path()).read_text().split()[-10:] == codes
    screenshot(page, "recovery-codes")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    sign_in(page, viewer.email)
    page.wait_for_url("**/accounts/login/verify/")
    screenshot(page, "two-factor-verify")
    page.get_by_role("textbox", name="Code").fill(
        code_for(device, step_offset=1)
    )  # the next code, unused
    page.get_by_role("button", name="Verify and sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name=shop.name).is_visible()


def test_administrator_grants_a_role_in_admin_and_the_member_sees_the_shop(
    new_page, shop, superuser
):
    OrderFactory.create_batch(2, shop=shop)
    newcomer = UserFactory(email="newcomer@example.test")

    admin_page = new_page()
    sign_in(admin_page, superuser.email)
    admin_page.wait_for_url("**/")
    admin_page.goto(f"/admin/accounts/shop/{shop.pk}/change/")
    admin_page.get_by_text("Add another Membership").click()
    row = admin_page.locator("tr.dynamic-memberships").last
    row.locator(".select2-selection").click()  # the user field searches as you type
    admin_page.locator(".select2-search__field").fill("newcomer")
    admin_page.locator(".select2-results__option", has_text=newcomer.email).click()
    row.locator("select[name$='-role']").select_option("accountant")
    # The roles' table from its headings down to the new member's row, in one screen.
    admin_page.locator(".role-table").evaluate("table => table.scrollIntoView({block: 'start'})")
    screenshot(admin_page, "admin-grant-role", full_page=False)
    admin_page.get_by_role("button", name="Save", exact=True).click()
    admin_page.wait_for_url("**/admin/accounts/shop/")
    assert newcomer.memberships.get().role == "accountant"

    member_page = new_page()
    sign_in(member_page, newcomer.email)
    member_page.wait_for_url("**/")
    assert member_page.get_by_role("heading", name=Shop.objects.get().name).is_visible()
    assert member_page.get_by_text("Accountant").first.is_visible()


def test_administrator_reviews_access_and_spots_a_member_without_two_factor(
    page, phone_page, shop, admin, viewer
):
    shop.require_two_factor = True
    shop.save(update_fields=["require_two_factor"])
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    for screen, name in ((page, "access-review"), (phone_page, "access-review-phone")):
        sign_in_with_code(screen, admin, device)
        screen.goto("/accounts/access-review/")
        row = screen.locator("tr", has_text=viewer.email)
        assert row.get_by_text("No two-factor (required)").is_visible()
        assert row.get_by_text("Invited, not signed in yet").is_visible()  # never signed in
        assert not row.get_by_text("No sign-in for 90+ days").count()
        fits_the_screen(screen)
        screenshot(screen, name)


def test_shop_administrator_invites_by_email_and_the_invitee_sets_a_password(
    new_page, shop, admin, mailoutbox
):
    OrderFactory(shop=shop)
    admin_page = new_page()
    sign_in(admin_page, admin.email)
    admin_page.wait_for_url(HOME)
    admin_page.goto("/admin/accounts/membership/add/")
    admin_page.get_by_label("Shop").select_option(label=shop.name)
    admin_page.get_by_label("Email").fill("Newcomer@Example.test")
    admin_page.get_by_label("Role").select_option(label="Accountant")
    screenshot(admin_page, "admin-invite-member", full_page=False)
    admin_page.get_by_role("button", name="Save", exact=True).click()
    admin_page.wait_for_url("**/admin/accounts/membership/")
    notice = admin_page.get_by_text("An invitation email with a link to choose a password")
    assert notice.is_visible()
    assert not admin_page.get_by_text("/accounts/reset/").count()  # nothing to copy by hand
    screenshot(admin_page, "admin-invite-sent", full_page=False)

    (email,) = mailoutbox
    assert email.to == ["newcomer@example.test"]
    link = re.search(r"https?://\S+/accounts/reset/\S+/", email.body).group(0)
    invitee = new_page()
    invitee.goto(link)
    invitee.get_by_label("New password", exact=True).fill("a-long-fresh-passphrase")
    invitee.get_by_label("New password confirmation").fill("a-long-fresh-passphrase")
    screenshot(invitee, "invitation-set-password", full_page=False)
    invitee.get_by_role("button", name=re.compile("password", re.I)).click()
    invitee.wait_for_url("**/accounts/reset/done/")
    sign_in(invitee, "newcomer@example.test", "a-long-fresh-passphrase")
    invitee.wait_for_url(HOME)
    assert invitee.get_by_role("heading", name=shop.name).is_visible()


def test_shop_administrator_changes_their_shop_in_admin_also_on_a_phone(
    page, phone_page, shop, admin
):
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    sign_in_with_code(page, admin, device)
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Shops", exact=True).click()
    page.get_by_role("link", name=shop.name).click()
    page.get_by_label("Refund limit").fill("80.00")
    page.get_by_label("Require two-factor for staff").check()
    screenshot(page, "admin-shop-change")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/accounts/shop/")
    assert page.get_by_text("was changed successfully").is_visible()
    shop.refresh_from_db()
    assert (str(shop.refund_limit), shop.require_two_factor) == ("80.00", True)

    phone = phone_page
    sign_in_with_code(phone, admin, device)
    for path, name in (
        ("/admin/", "admin-index-phone"),
        ("/admin/accounts/shop/", "admin-shops-phone"),
        (f"/admin/accounts/shop/{shop.pk}/change/", "admin-shop-change-phone"),
    ):
        phone.goto(path)
        fits_the_screen(phone)
        tables_fit(phone)
        screenshot(phone, name)
    # The two wide parts of the shop page, as the administrator sees them on the phone.
    for part, name in (
        (".field-roles_and_permissions", "admin-shop-roles-phone"),
        ("#memberships-group", "admin-shop-members-phone"),
    ):
        phone.locator(part).scroll_into_view_if_needed()
        screenshot(phone, name, full_page=False)
    # The role table scrolls in its own box, the permission names staying in view; a member
    # added on the phone gets a row that fits, too.
    roles = phone.locator(".role-table")
    assert roles.evaluate("box => box.scrollWidth > box.clientWidth")
    roles.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    screenshot(phone, "admin-shop-roles-scrolled-phone", full_page=False)
    phone.get_by_text("Add another Membership").click()
    expect(phone.locator("tr.dynamic-memberships")).to_have_count(2)  # the member and the new row
    fits_the_screen(phone)
    tables_fit(phone)
    members = phone.locator("#memberships-group")  # fits: nothing to scroll to, even in its box
    assert members.evaluate("box => box.scrollWidth <= box.clientWidth")
    screenshot(phone, "admin-shop-member-added-phone", full_page=False)
