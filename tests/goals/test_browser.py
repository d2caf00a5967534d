"""The Mål pages in a real Chromium: AMN's caseworker opens the tree, finds the committee's red
goal, is asked for a comment when assessing it as fulfilled, gives one, and follows the red
thread; axe-core checks each page (WCAG 2.1 A and AA) and that it reflows at 320 px.

The browser, the page fixture and the accessibility check are those of tests/browser.py.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, log_in
from tests.factories import caseworker
from tests.goals.support import YEAR, analyst, make_tree, report

pytestmark = pytest.mark.browser


@pytest.fixture
def tree(transactional_db, committees):  # type: ignore[no-untyped-def]
    found = make_tree(committees)
    report(found.work, 30)  # red against 40
    report(found.assistance, 14)  # green against at most 15
    return found


def test_a_caseworker_assesses_a_red_goal_and_follows_the_red_thread(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, tree
) -> None:
    log_in(page, caseworker(tree.amn_goal.committee))
    page.goto(f"/mal/?year={YEAR}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mål {YEAR}")
    item = page.locator(".goal-node", has=page.get_by_role("link", name="Fler i arbete"))
    expect(item.locator(".status")).to_have_text(re.compile(r"■\s*Röd"))
    assert_accessible(page, axe, "Målträdet")

    page.get_by_role("link", name="Fler i arbete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fler i arbete")
    expect(page.locator("main")).to_contain_text(
        "30 % mot målet 40 %: röd, mer än 10 % från målet."
    )
    expect(
        page.get_by_role("table", name=re.compile("Andel i arbete: utfall mot målvärde"))
    ).to_be_visible()
    assert_accessible(page, axe, "Målets sida")

    page.get_by_role("combobox", name=re.compile("^Bedömning")).select_option(label="Uppfyllt")
    page.get_by_label(re.compile(r"^Analys")).fill("Många fick arbete under hösten.")
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.get_by_role("alert")).to_contain_text("Bedömningen är inte sparad")
    expect(page.locator("#id_comment_error")).to_contain_text("beräknade statusen (röd)")
    assert_accessible(page, axe, "Målets sida med fel i bedömningen")

    page.get_by_label(re.compile(r"^Kommentar till avvikelsen")).fill(
        "Utfallet gäller första halvåret."
    )
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.get_by_role("status")).to_contain_text("Bedömningen är sparad.")
    history = page.get_by_role("table", name="Bedömningar, senaste först")
    expect(history).to_contain_text("Utfallet gäller första halvåret.")

    page.get_by_role("link", name="Den röda tråden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Röd tråd: Fler i arbete")
    expect(page.get_by_role("link", name="Alla blir delaktiga")).to_be_visible()
    assert_accessible(page, axe, "Den röda tråden")


def test_an_analyst_adds_an_indicator_with_targets_by_sex(page: Page, axe: Axe, tree) -> None:  # type: ignore[no-untyped-def]
    log_in(page, analyst())
    page.goto(f"/mal/{tree.sn_goal.pk}/")
    page.get_by_role("link", name="Lägg till en indikator").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ny indikator")
    page.get_by_label(re.compile(r"^Källa")).select_option(label="Manuell indikator")
    page.get_by_role("button", name="Spara indikatorn").click()
    expect(page.get_by_role("alert")).to_contain_text("Indikatorn är inte sparad")
    assert_accessible(page, axe, "Formuläret för en ny indikator med fel")

    page.get_by_label(re.compile(r"^Namn")).fill("Deltagare i språkcafé")
    page.get_by_label(re.compile(r"^Enhet")).select_option(label="antal")
    page.get_by_label(re.compile(r"^Riktning")).select_option(label="Högre är bättre")
    page.get_by_label("Målvärde kvinnor").fill("20")
    page.get_by_label("Målvärde män").fill("20")
    page.get_by_role("button", name="Spara indikatorn").click()
    expect(page.get_by_role("status")).to_contain_text("Indikatorn är tillagd.")
    table = page.get_by_role("table", name=re.compile("Deltagare i språkcafé: utfall mot målvärde"))
    expect(table.get_by_role("row", name=re.compile("^Kvinnor"))).to_contain_text("20")

    page.get_by_role("link", name="Lägg till ett mål eller en aktivitet under det här").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Nytt mål för {YEAR}")
    assert_accessible(page, axe, "Formuläret för ett nytt mål")
