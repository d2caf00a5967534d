"""The Ekonomi page's committee table, distribution rule and deadlines in a real Chromium: a
controller reads them and follows the link to the Återsökning page; axe-core checks the page
(WCAG 2.1 A and AA, reflow at 320 px). Fixtures from tests/browser.py."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from helhetsbild.organisation.models import Role
from tests.browser import assert_accessible, log_in
from tests.economy.register import import_economy_register
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def register(transactional_db, committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


def test_a_controller_reads_the_committees_shares_and_the_deadlines(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, register
) -> None:
    log_in(page, make_user(Role.CONTROLLER))
    page.goto("/ekonomi/")

    per_committee = page.get_by_role("table", name="Ersättning per nämnd i kronor per månad")
    row = per_committee.get_by_role("row", name="2026-03")
    expect(row.get_by_role("cell").nth(2)).to_have_text("20 625 + okänt")
    expect(per_committee.get_by_role("columnheader", name="Kommunstyrelsen (KS)")).to_be_visible()
    rule = page.get_by_role("table", name="Fördelningsregel (distribution.toml)")
    expect(rule).to_contain_text("Exempel i demonstrationen, inget beslut.")
    deadlines = page.get_by_role("table", name="Ansökningar som inte är skickade")
    expect(deadlines.get_by_role("rowheader", name="Missad, beloppet förlorat")).to_be_visible()
    assert_accessible(page, axe, "Ekonomi med fördelning och tidsfrister")

    page.get_by_role("link", name="Återsökning", exact=True).last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Återsökning")
