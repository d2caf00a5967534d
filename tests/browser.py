"""What every browser test shares: Debian's Chromium driven by Playwright against the live
server, a fresh page per test, and the accessibility check (axe-core for WCAG 2.1 A and AA, plus
what axe does not check: aria-describedby targets and reflow at 320 px).

The fixtures are registered for every test by tests/conftest.py; a browser test module imports
the helpers it calls and marks itself `pytest.mark.browser`. Playwright never downloads a
browser here."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium for a module's tests. Playwright's sync API runs an event loop in the
    test thread while the browser is open, and Django refuses ORM calls where a loop runs unless
    told they are safe, as they are here: one thread, one test at a time."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} finns inte")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def page(chromium: Browser, live_server) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A fresh context (no cookies) per test, on the live server."""
    context = chromium.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page: Page, axe: Axe, what: str) -> None:
    """Zero axe violations of WCAG 2.1 A/AA, no aria-describedby pointing at nothing, and the
    page reflows at 320 px (neither of the last two is something axe checks)."""
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    problems = []
    for violation in results.response["violations"]:
        nodes = "\n".join(
            f"      {node['html']}  [{', '.join(map(str, node['target']))}]"
            f"\n        {node.get('failureSummary', '').replace(chr(10), ' ')}"
            for node in violation["nodes"]
        )
        problems.append(
            f"  {violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"
        )
    broken = page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>
            el.getAttribute('aria-describedby').split(/\\s+/)
              .filter(id => id && !document.getElementById(id))
              .map(id => `${el.outerHTML} -> #${id}`))"""
    )
    problems += [f"  aria-describedby pekar på ett id som saknas: {item}" for item in broken]
    assert not problems, f"{what} ({page.url}) har {len(problems)} fel:\n" + "\n".join(problems)
    assert_reflows(page, what)


def assert_reflows(page: Page, what: str) -> None:
    """WCAG 1.4.10: at 320 CSS px nothing but a data table may need horizontal scrolling."""
    size = page.viewport_size
    assert size is not None
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        too_wide = page.evaluate(
            """() => [...document.querySelectorAll('main *, header *')]
                .filter(el => !el.closest('table') && !el.querySelector('table'))
                .filter(el => el.getBoundingClientRect().right > 321
                              || el.scrollWidth > el.clientWidth + 1)
                .map(el => [el.outerHTML.slice(0, 120), el.getBoundingClientRect().right])
                .map(([html, right]) => `${html} (${Math.round(right)} px)`)"""
        )
        width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        page.set_viewport_size(size)
    assert not too_wide, f"{what} ({page.url}) är bredare än 320 px:\n  " + "\n  ".join(too_wide)
    has_table = page.locator("main table").count() > 0
    assert has_table or width <= 320, f"{what}: sidan är {width} px bred vid 320 px"


def log_in(page: Page, user, axe: Axe | None = None) -> None:  # type: ignore[no-untyped-def]
    page.goto("/logga-in/")
    expect(page).to_have_title(re.compile("^Logga in"))
    if axe is not None:
        assert_accessible(page, axe, "Inloggningssidan")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen till Helhetsbild")
