"""The overview and indicator pages in a real Chromium: a reader goes from the overview to the
catalogue to one indicator and changes its period; axe-core checks every page seen (WCAG 2.1 A
and AA) and each reflows at 320 px.

The browser, the page fixture and the accessibility check are those of tests/browser.py.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from helhetsbild.analysis import engine
from helhetsbild.analysis.catalogue import indicator
from helhetsbild.organisation.models import Role
from tests.analysis.test_pages import build_small_world
from tests.browser import assert_accessible, log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

# The fixtures of the main browser tests, shared rather than copied.

SHARE = "sjalvforsorjande_andel"


@pytest.fixture(autouse=True)
def fresh_results() -> Iterator[None]:
    engine._cache.clear()
    yield
    engine._cache.clear()


@pytest.fixture
def world(transactional_db, committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_small_world(committees, tmp_path)


def test_a_reader_goes_from_the_overview_to_an_indicator_and_changes_period(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, world
) -> None:
    log_in(page, make_user(Role.READER))
    page.goto("/analys/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
    activities = page.get_by_role("table", name="Efter huvudsaklig aktivitet, november 2026")
    expect(activities.get_by_role("rowheader", name="Ingen registrerad aktivitet")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Självförsörjande nyanlända")).to_be_visible()
    page.get_by_text("Siffrorna i diagrammet").first.click()  # the chart's numbers unfold
    assert_accessible(page, axe, "Översikten")

    page.get_by_role("link", name="Alla indikatorer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indikatorer")
    assert_accessible(page, axe, "Indikatorkatalogen")

    page.get_by_role("link", name="Självförsörjande nyanlända", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Självförsörjande nyanlända")
    latest = engine.result(indicator(SHARE)).periods  # type: ignore[arg-type]
    expect(page.get_by_role("table", name=f"Kön, {latest[-1]}")).to_be_visible()
    assert page.locator("figure.chart img[alt='']").count() == 1
    assert_accessible(page, axe, "Indikatorsidan")

    page.get_by_label("Period").select_option(latest[0])
    page.get_by_role("button", name="Visa perioden").click()
    expect(page).to_have_url(
        re.compile(rf"/indikatorer/{SHARE}/\?period={latest[0]}#uppdelningar$")
    )
    expect(page.get_by_role("table", name=f"Kön, {latest[0]}")).to_be_visible()
    expect(page.get_by_label("Period")).to_have_value(latest[0])
    assert_accessible(page, axe, "Indikatorsidan, annan period")


def test_before_the_first_build_the_overview_explains_itself(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, transactional_db, committees
) -> None:
    log_in(page, make_user(Role.READER))
    page.goto("/analys/")
    expect(page.locator("main .notice")).to_contain_text("Analysdatabasen är inte byggd än")
    assert_accessible(page, axe, "Översikten utan analysdatabas")
