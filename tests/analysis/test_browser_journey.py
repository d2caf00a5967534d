"""Användarresan in a real Chromium: an analyst changes cohort and filter, reads the table, and
opens one journey with a purpose; axe-core checks every page seen (WCAG 2.1 A and AA).

The browser, the page fixture and the accessibility check are those of tests/browser.py.
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.organisation.models import Role
from tests.analysis.journey_register import EVA, import_and_build
from tests.analysis.small_register import secrets_of_the_register
from tests.browser import assert_accessible, log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

# The fixtures of the main browser tests, shared rather than copied.


@pytest.fixture
def store(transactional_db, committees, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    """Both cohorts, at a threshold of 3 so that the small cohort shows some numbers."""
    settings.MIN_CELL_SIZE = 3
    import_and_build(committees, tmp_path)


def choice(page: Page, name: str) -> Locator:
    return page.get_by_role("combobox", name=name)


def journey_rows(page: Page) -> list[list[str]]:
    table = page.get_by_role("table", name=re.compile("^Antal personer per huvudaktivitet"))
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def test_an_analyst_follows_a_cohort_and_opens_one_journey(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, store, tmp_path: Path
) -> None:
    log_in(page, make_user(Role.ANALYST))
    page.goto("/analys/resan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Användarresan")
    expect(choice(page, "Bosättningsår")).to_have_value("2025")
    assert [row[0] for row in journey_rows(page)] == [str(month) for month in range(13)]
    assert_accessible(page, axe, "Användarresan, 2025")

    # Another cohort, then a filter: the table follows, and the filters stay chosen.
    choice(page, "Bosättningsår").select_option("2026")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("bosättningsår 2026")
    rows = journey_rows(page)
    assert rows[0] == ["0", "3", *["0"] * 10, "3"], rows[0]
    assert rows[1][:4] == ["1", "3", "0", "0"], rows[1]
    expect(page.locator("figure.chart img")).to_be_visible()
    page.screenshot(path=tmp_path / "journey.png", full_page=True)

    choice(page, "Kön").select_option(label="Kvinna")
    choice(page, "Målgrupp").select_option(label="Egen bosättning (EBO)")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text(
        "kön: Kvinna, mottagandeform: Egen bosättning (EBO)"
    )
    expect(choice(page, "Målgrupp")).to_have_value("mottagandeform:self_settled")
    assert journey_rows(page)[0] == ["0", "..", *["0"] * 10, ".."]
    assert_accessible(page, axe, "Användarresan, filtrerad")

    # Dora is the only self-settled woman: one code to choose. Without a purpose: an error.
    codes = page.get_by_role("group", name=re.compile("^Resekoder i urvalet"))
    expect(codes.get_by_role("radio")).to_have_count(1)
    code = codes.get_by_role("radio").get_attribute("value")
    assert code and re.fullmatch(r"R-[0-9a-f]{12}", code)
    codes.get_by_role("radio").check()
    page.get_by_role("button", name="Öppna resan").click()
    expect(page.get_by_role("alert")).to_contain_text("Resan kunde inte öppnas")
    expect(choice(page, "Syfte")).to_have_attribute("aria-invalid", "true")
    assert not AccessEvent.objects.exists()
    assert_accessible(page, axe, "Användarresan, fel vid öppning")

    choice(page, "Syfte").select_option(label="Analys av insatsflöden")
    page.get_by_role("button", name="Öppna resan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Resa {code}")
    expect(page.locator("main")).to_contain_text("Öppningen är loggad")
    months = page.get_by_role("table", name=f"Resa {code} månad för månad")
    expect(months.locator("tbody tr")).to_have_count(8)
    expect(months.locator("tbody tr").nth(1)).to_contain_text("Praktik")
    assert code not in page.url and not re.search(r"\d{6,}", page.url)
    content = page.content()
    for secret in [*secrets_of_the_register(), EVA]:
        assert secret not in content, secret
    event = AccessEvent.objects.get()
    assert (event.detail, event.purpose) == (code, "Analys av insatsflöden")
    assert_accessible(page, axe, "En enskild resa")
    page.screenshot(path=tmp_path / "journey-person.png", full_page=True)

    page.get_by_role("link", name="Tillbaka till användarresan").click()
    expect(choice(page, "Målgrupp")).to_have_value("mottagandeform:self_settled")
