"""The Ekonomi page in a real Chromium: a controller reads the table, looks up a person by
personnummer, and axe-core checks the page both times (WCAG 2.1 A and AA, reflow at 320 px).

The browser, the page fixture and the accessibility check are those of tests/browser.py.
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from helhetsbild.organisation.models import Role
from tests.browser import assert_accessible, log_in
from tests.economy.register import SARA, import_economy_register
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def register(transactional_db, committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


def test_a_controller_reads_the_totals_and_looks_up_a_person(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, register
) -> None:
    log_in(page, make_user(Role.CONTROLLER))
    page.goto("/ekonomi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ekonomi")
    table = page.get_by_role("table", name="Förväntad ersättning i kronor per månad och typ")
    expect(table.get_by_role("rowheader", name="2026-02")).to_be_visible()
    assert_accessible(page, axe, "Ekonomi")

    page.get_by_label("Personnummer").fill(SARA)
    page.get_by_role("button", name="Visa").click()
    expect(
        page.get_by_role("heading", name="Förväntad ersättning för 20090401-****")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Per månad", exact=True)).to_contain_text("41 850 kr")
    assert "/ekonomi/" in page.url and SARA not in page.url
    assert_accessible(page, axe, "Ekonomi med en person")


def test_a_controller_opens_a_claim_candidate_on_the_reclaim_page(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, register
) -> None:
    log_in(page, make_user(Role.CONTROLLER))
    page.goto("/ekonomi/atersokning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Återsökning")
    assert_accessible(page, axe, "Återsökning")

    page.get_by_role("button", name=re.compile(r"^Registrera\b")).first.click()
    expect(page.get_by_label("Sökt belopp, kr")).to_be_visible()
    assert "/ekonomi/atersokning/" in page.url and SARA not in page.url
    assert_accessible(page, axe, "Registrera ansökan")
