"""Granskningar and Åtgärder in a real Chromium: an analyst imports a report, reviews and confirms
the proposal, and a caseworker changes an action's status; axe-core checks every page seen (WCAG
2.1 A and AA) and each reflows at 320 px.

The browser, the page fixture and the accessibility check are those of tests/browser.py.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from helhetsbild.organisation.models import Role
from helhetsbild.plans.models import Audit, Status
from tests.browser import assert_accessible, log_in
from tests.factories import caseworker, make_user
from tests.plans.scoring import SEEDS
from tests.plans.world import make_action

pytestmark = pytest.mark.browser


def test_import_review_confirm_and_a_status_change(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, transactional_db, committees
) -> None:
    log_in(page, make_user(Role.ANALYST))
    page.goto("/granskningar/importera/")
    assert_accessible(page, axe, "Importsidan")
    page.get_by_label(re.compile(r"^Granskningsrapport")).set_input_files(
        str(SEEDS / "003_karlshamn.txt")
    )
    page.get_by_role("button", name="Läs rapporten").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Granska förslaget")
    expect(page.get_by_label("Titel")).to_have_value("Förstudie av kommunens integrationsarbete")
    assert_accessible(page, axe, "Förslaget")
    assert Audit.objects.count() == 0
    page.get_by_label("Socialnämnden (SN)").check()
    page.get_by_role("button", name="Bekräfta och spara").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Förstudie av kommunens integrationsarbete"
    )
    audit = Audit.objects.get()
    make_action(audit, committees["SN"])
    page.reload()
    assert_accessible(page, axe, "Granskningen")

    page.context.clear_cookies()
    log_in(page, caseworker(committees["SN"]))
    page.goto("/granskningar/atgarder/")
    assert_accessible(page, axe, "Åtgärder")
    page.get_by_role("link", name="Åtgärd för SN").click()
    page.get_by_label("Ny status").select_option(Status.STARTED)
    page.get_by_label(re.compile(r"^Kommentar")).fill("Arbetet har börjat.")
    page.get_by_role("button", name="Spara ändringen").click()
    expect(page.locator(".messages")).to_contain_text("Statusen är ändrad.")
    expect(page.get_by_role("cell", name="Arbetet har börjat.")).to_be_visible()
    assert_accessible(page, axe, "Åtgärden")
