"""Playwright driving the system's Chromium against pytest-django's live server.

Screenshots land in test-output/screenshots/; with SCREENSHOTS_TO_DOCS=1 they are also copied
to docs/screenshots/, which is where the README's pictures come from.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.accounts.factories import PASSWORD
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module; its event loop must not outlive the browser tests."""
    executable = _chromium()
    require(executable is not None, "Chromium (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make
    # beside it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


# Installed in every page before its own scripts: a CSP violation fails the test even where
# Chromium does not log one to the console (attributes htmx copies while settling, say).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
    + (event.sample ? ` (${event.sample})` : "")
  );
});
"""


class BrowserProblems:
    """Console errors (CSP violations included) and uncaught script errors seen by pages.

    No exemptions: a request superseded by a newer one is dropped quietly (hx-sync), so an
    htmx error in the console is a real one.
    """

    def __init__(self):
        self.seen: list[str] = []

    def watch(self, page):
        page.on("console", lambda m: m.type == "error" and self.seen.append(m.text))
        page.on("pageerror", lambda error: self.seen.append(str(error)))
        return page


@pytest.fixture
def browser_problems():
    problems = BrowserProblems()
    yield problems
    assert problems.seen == [], "the browser reported errors (a CSP violation?)"


@pytest.fixture
def new_page(browser, live_server, browser_problems):
    """Open pages in fresh browser contexts (own cookies) on the live server."""
    contexts = []

    def open_page(**options):
        options.setdefault("viewport", {"width": 1280, "height": 860})
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return browser_problems.watch(page)

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2)


HOME = re.compile(r"^https?://[^/]+/$")  # the overview, where sign-in lands


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form (callers wait for where it leads)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def fits_the_screen(page) -> None:
    """Nothing on the page makes it scroll sideways."""
    wide, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    # A phone (is_mobile) widens its layout viewport to fit what overflows, so innerWidth alone
    # would follow the overflow: the screen's own width is the measure too.
    screen = page.viewport_size["width"]
    assert wide <= inner and wide <= screen, f"{page.url} is {wide} px wide on a {screen} px screen"


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot for reviewers (and for the README when asked to)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if os.environ.get("SCREENSHOTS_TO_DOCS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
    return path
