"""The Rapporter pages in a real Chromium: SN's caseworker starts the committee's interim report,
marks the goal's section ready and sees which section is left; axe-core checks each page (WCAG
2.1 A and AA) and that it reflows at 320 px.

The browser, the page fixture and the accessibility check are those of tests/browser.py.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, log_in
from tests.factories import caseworker
from tests.goals.support import YEAR
from tests.reports.world import SmallWorld, small_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db, committees, own_data_dir) -> SmallWorld:  # type: ignore[no-untyped-def]
    return small_world(committees)


def test_a_caseworker_starts_the_report_and_marks_a_section_ready(
    page: Page, axe: Axe, world: SmallWorld
) -> None:
    log_in(page, caseworker(world.committees["SN"]))
    page.goto("/rapporter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapporter")
    assert_accessible(page, axe, "Rapporter")

    page.get_by_label("Slag").select_option(label="Delårsrapport")
    page.get_by_label("År").select_option(str(YEAR))
    page.get_by_label("Nämnd").select_option(label="Socialnämnden")
    page.get_by_role("button", name="Skapa rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Delårsrapport {YEAR} – Socialnämnden"
    )
    expect(page.locator("main .notice")).to_contain_text("2 avsnitt är inte klarmarkerade")
    assert_accessible(page, axe, "Rapporten")

    goal = world.tree.sn_goal.title
    page.get_by_role("button", name=f"Markera som klart – {goal}").click()
    expect(page.get_by_role("status")).to_contain_text("Avsnittet är klarmarkerat.")
    row = page.get_by_role("row", name=re.compile(goal))
    expect(row).to_contain_text("Klart, Test caseworker")
    expect(page.locator("main .notice")).to_contain_text("1 avsnitt är inte klarmarkerat")
    # In a committee's report, the actions after audits are the committee's to mark.
    expect(
        page.get_by_role("button", name="Markera som klart – Åtgärder efter granskningar")
    ).to_be_visible()
    assert_accessible(page, axe, "Rapporten med ett avsnitt klart")
