"""The claims workflow in a real Chromium: a controller records a claim with a comment, uploads
Migrationsverket's payments, first a bad file and then a good one, and reads the
reconciliation; axe-core checks each page (WCAG 2.1 A and AA).

The browser, the page fixture and the accessibility check are those of tests/browser.py.
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from helhetsbild.organisation.models import Role
from tests.browser import assert_accessible, log_in
from tests.economy.register import COHORT, import_economy_register
from tests.factories import make_user

pytestmark = pytest.mark.browser


HEADER = "Personnummer;Ersättningstyp;Period;Belopp;Utbetalningsdatum"


@pytest.fixture
def register(transactional_db, committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


def _payments(path: Path, amount: str) -> Path:
    path.write_text(
        f"{HEADER}\n{COHORT[1]};Schablonersättning;2024-06;{amount};2024-06-25\n", encoding="utf-8"
    )
    return path


def test_a_controller_records_a_claim_uploads_payments_and_reads_the_reconciliation(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, register, tmp_path: Path
) -> None:
    log_in(page, make_user(Role.CONTROLLER))
    page.goto("/ekonomi/atersokning/")
    page.get_by_role("button", name=re.compile(r"^Registrera\b")).first.click()
    page.get_by_label("Sökt belopp, kr").fill("41250")
    page.get_by_label("Skickad till Migrationsverket").fill("2026-11-02")
    page.get_by_label("Kommentar").fill("Underlaget skickat med post.")
    assert_accessible(page, axe, "Registrera ansökan")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Ansökan är sparad")
    history = page.locator("section", has=page.get_by_role("heading", name="Ansökningar"))
    expect(history).to_contain_text("sökt belopp: 41\xa0250 kr")
    expect(history).to_contain_text("kommentar: Underlaget skickat med post.")

    upload = page.get_by_label("Utbetalningsspecifikation")
    upload.set_input_files(_payments(tmp_path / "fel.csv", "12,50"))
    page.get_by_role("button", name="Läs in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Inget lästes in.")
    expect(page.locator("#id_file_error")).to_contain_text(
        "fel.csv, rad 2, kolumnen Belopp, värdet '12,50'"
    )
    assert_accessible(page, axe, "Återsökning med en felaktig fil")

    upload.set_input_files(_payments(tmp_path / "utbetalningar.csv", "3000"))
    page.get_by_role("button", name="Läs in", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Utbetalningar inlästa från utbetalningar.csv: 1. Av dem stämmer 0"
    )
    partial = page.get_by_role("region", name="Delvis betald (1)")
    expect(partial.get_by_role("rowheader", name="2024-06")).to_be_visible()
    expect(partial).to_contain_text("3\xa0000 kr")
    expect(
        page.get_by_role("heading", name=re.compile(r"^Väntad men inte mottagen"))
    ).to_be_visible()
    assert page.url.endswith("/ekonomi/atersokning/")
    assert_accessible(page, axe, "Återsökning med avstämning")
