"""The main flows in a real Chromium against a live server: log in, import, search, correct a
quarantined row, move by keyboard, and an axe-core check (WCAG 2.1 A and AA) of every page seen.

Chromium is Debian's own (/usr/bin/chromium); Playwright never downloads a browser here."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from helhetsbild.imports.models import ImportBatch, QuarantineRow
from tests.browser import assert_accessible, log_in
from tests.factories import (
    caseworker,
    write_kind,
)
from tests.web.world import ANNA, BERIT, make_world

pytestmark = pytest.mark.browser

WHITE = (255, 255, 255)
# The label reads "Fil *"; the star is aria-hidden, but Playwright matches the label text.
FILE_LABEL = re.compile(r"^Fil\b")

# Berit's number with the check digit off by one: a typical typing error in an export.
BERIT_TYPO = BERIT[:-1] + str((int(BERIT[-1]) + 1) % 10)


def digits(number: str) -> str:
    return number.replace("-", "")


@pytest.fixture
def world(transactional_db, committees, tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_world(committees, tmp_path)


# ---------------------------------------------------------------------------------------------
# Helpers


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def focus_indicator_colours(page: Page) -> list[tuple[int, int, int]]:
    """The colours of the focused element's outline and box-shadow, as computed."""
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                           ? s.outlineColor : '', s.boxShadow].join(' '); }"""
    )
    return [
        (int(r), int(g), int(b)) for r, g, b in re.findall(r"rgba?\((\d+), (\d+), (\d+)", style)
    ]


def report_rows(page: Page) -> list[list[str]]:
    table = page.get_by_role("table", name="Fel i filen")
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def fact(page: Page, term: str) -> str:
    """The <dd> after the <dt> with the given text in a facts list."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd").inner_text().strip()


def upload(page: Page, path: Path, kind_label: str, *, dry_run: bool = False) -> None:
    page.goto("/import/")
    page.get_by_label("Slag av fil").select_option(label=kind_label)
    page.get_by_label(FILE_LABEL).set_input_files(path)
    if dry_run:
        page.get_by_label("Provkör: kontrollera bara, spara ingenting").check()
    with page.expect_navigation():  # The dry run answers the POST on the same URL.
        page.get_by_role("button", name="Importera", exact=True).click()


# ---------------------------------------------------------------------------------------------
# Tests


def test_a_caseworker_logs_in_through_the_form(page: Page, axe: Axe, world, live_server) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(world["AMN"])
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/logga-in/\?next=/$"))
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill("fel-lösenord-000")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_contain_text("användarnamn")
    assert_accessible(page, axe, "Inloggningssidan med fel")

    log_in(page, user, axe)
    assert page.url == live_server.url + "/"
    expect(page.locator("main")).to_contain_text("Du är inloggad som Test caseworker.")
    menu = page.get_by_role("navigation", name="Huvudmeny")
    for link in ["Start", "Ny import", "Importhistorik", "Karantän", "Register AMN"]:
        expect(menu.get_by_role("link", name=link, exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name="Register SN")).to_have_count(0)
    assert_accessible(page, axe, "Startsidan")


def test_an_upload_with_a_bad_row_is_rejected_then_a_good_one_imported(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, world, tmp_path: Path
) -> None:
    log_in(page, caseworker(world["AMN"]))
    page.goto("/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importera en fil")
    expect(page.get_by_label("Nämnd")).to_have_value(str(world["AMN"].pk))
    assert_accessible(page, axe, "Uppladdningssidan")

    # Submitting without a file shows the form's errors, in Swedish, at the field.
    page.get_by_role("button", name="Importera", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Formuläret innehåller fel")
    expect(page.get_by_label(FILE_LABEL)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe, "Uppladdningssidan med fel")

    bad = write_kind(
        tmp_path / "insatser-fel.csv",
        "insatser",
        [[ANNA, "matcha", "2024-04-01", "", ""], [BERIT_TYPO, "matcha", "2024-04-02", "", ""]],
    )
    upload(page, bad, "Insatser")
    expect(page).to_have_url(re.compile(r"/import/omgang/\d+/$"))
    assert fact(page, "Status") == "Avvisad"
    assert fact(page, "Sparade") == "0"
    assert fact(page, "Fil") == "insatser-fel.csv"
    # Row 1 is the header, so Berit's line is row 3; the number is masked, its reason Swedish.
    headers = page.get_by_role("table", name="Fel i filen").locator("th").all_inner_texts()
    assert headers == ["Rad", "Kolumn", "Värde", "Orsak"], headers
    rows = report_rows(page)
    assert len(rows) == 1, rows
    row, column, value, reason = rows[0]
    assert (row, column) == ("3", "personnummer"), rows
    assert value == "19850505-****", rows
    assert "kontrollsiffran stämmer inte" in reason, rows
    content = page.content()
    assert digits(BERIT_TYPO) not in content and BERIT_TYPO not in content
    assert digits(ANNA) not in content
    expect(page.get_by_role("link", name="Ladda ner rapporten som CSV")).to_be_visible()
    assert_accessible(page, axe, "Importomgång, avvisad")
    page.screenshot(path=tmp_path / "upload-result-rejected.png", full_page=True)

    # A dry run renders the result page itself, and saves nothing.
    good = write_kind(
        tmp_path / "insatser.csv",
        "insatser",
        [[ANNA, "matcha", "2024-04-01", "", ""], [BERIT, "matcha", "2024-04-02", "", "Sfi"]],
    )
    batches = ImportBatch.objects.count()
    upload(page, good, "Insatser", dry_run=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Provkörning")
    expect(page.get_by_role("status")).to_contain_text("Filen kan importeras: 2 av 2 rader")
    assert ImportBatch.objects.count() == batches
    assert_accessible(page, axe, "Resultat av provkörning")

    upload(page, good, "Insatser")
    expect(page).to_have_url(re.compile(r"/import/omgang/\d+/$"))
    assert fact(page, "Status") == "Importerad"
    assert (fact(page, "Rader"), fact(page, "Sparade"), fact(page, "Med fel")) == ("2", "2", "0")
    expect(page.get_by_role("table")).to_have_count(0)
    assert_accessible(page, axe, "Importomgång, importerad")

    page.get_by_role("link", name="Importhistorik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importhistorik")
    history = page.get_by_role("table", name="Importomgångar, senaste först")
    states = history.locator("tbody tr td:nth-child(6)").all_inner_texts()
    assert states[:2] == ["Importerad", "Avvisad"], states
    assert_accessible(page, axe, "Importhistorik")


def test_a_person_is_found_by_post_and_shown_with_own_records_only(  # type: ignore[no-untyped-def]
    page: Page, axe: Axe, world, tmp_path: Path
) -> None:
    log_in(page, caseworker(world["AMN"]))
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Register AMN"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Registret för")
    listing = page.get_by_role("table", name="Personer som nämnden har uppgifter om")
    expect(listing.locator("tbody tr")).to_have_count(1)
    expect(listing).to_contain_text("19900101-****")
    assert digits(ANNA) not in page.content()
    assert_accessible(page, axe, "Registret")

    # A person the committee has nothing on: an error at the field, and nothing revealed.
    page.get_by_label("Personnummer").fill(BERIT)
    page.get_by_role("button", name="Sök").click()
    expect(page.locator(".field-error")).to_have_text(
        "Nämnden har inga uppgifter om någon person med det personnumret."
    )
    assert not re.search(r"\d{8}-?\d{4}", page.url)
    assert_accessible(page, axe, "Registret med sökfel")

    page.get_by_label("Personnummer").fill(ANNA)
    page.get_by_role("button", name="Sök").click()
    expect(page).to_have_url(re.compile(r"/register/AMN/person/\d+/$"))
    assert digits(ANNA) not in page.url and ANNA not in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Person {ANNA}")
    assert fact(page, "Personnummer") == ANNA
    assert fact(page, "Födelsedatum") == "1990-01-01"
    expect(page.locator("main")).to_contain_text("Visningen är loggad")
    episodes = page.get_by_role("table", name="Insatser")
    expect(episodes).to_contain_text("Lager")
    expect(episodes.locator("tbody tr")).to_have_count(1)
    # KS's person record and SN's payments are not AMN's to see.
    main = page.locator("main").inner_text()
    assert "Försörjningsstöd" not in main and "9000" not in main and "Personer" not in main
    assert_accessible(page, axe, "Personsidan")
    page.screenshot(path=tmp_path / "person.png", full_page=True)

    page.get_by_role("link", name="Tillbaka till registret").click()
    expect(page).to_have_url(re.compile(r"/register/AMN/$"))


def test_a_quarantined_row_is_corrected_in_the_form(page: Page, axe: Axe, world) -> None:  # type: ignore[no-untyped-def]
    log_in(page, caseworker(world["SN"]))
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Karantän").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Karantän")
    table = page.get_by_role("table", name="Rader i karantän")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("är ingen månad")
    assert digits(BERIT) not in page.content()
    assert_accessible(page, axe, "Karantänen")

    table.get_by_role("link", name="Rätta rad 3").click()
    expect(page).to_have_url(re.compile(r"/import/karantan/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rätta rad 3 från omgång")
    expect(page.get_by_label("personnummer")).to_have_value(BERIT)
    expect(page.get_by_label("månad")).to_have_value("2024-13")
    assert digits(BERIT) not in page.url
    assert_accessible(page, axe, "Karantänrad")

    # A correction that is still wrong stays, with the reason shown.
    page.get_by_label("månad").fill("2024-00")
    page.get_by_role("button", name="Importera den rättade raden").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Raden kunde inte importeras")
    expect(alert.get_by_role("cell", name="2024-00")).to_be_visible()
    # The correction is checked as a file of one row; its "row 2" is not row 3 of the batch.
    assert alert.locator("th").all_inner_texts() == ["Kolumn", "Värde", "Orsak"]
    assert QuarantineRow.objects.get().state == "open"
    assert_accessible(page, axe, "Karantänrad med kvarstående fel")

    page.get_by_label("månad").fill("2024-12")
    page.get_by_role("button", name="Importera den rättade raden").click()
    expect(page).to_have_url(re.compile(r"/import/karantan/$"))
    expect(page.get_by_role("status")).to_have_text("Raden är rättad och importerad.")
    expect(page.locator("main")).to_contain_text("Inga rader ligger i karantän.")
    assert QuarantineRow.objects.get().state == "corrected"
    assert_accessible(page, axe, "Karantänen, tom")


FIRST_TABBABLE = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')]
    .find(el => !el.disabled && el.tabIndex >= 0)?.outerHTML"""


def test_the_skip_link_comes_first_and_moves_focus_to_main(page: Page, world) -> None:  # type: ignore[no-untyped-def]
    # The login form puts focus in the user name field (Django's autofocus), so a Tab from there
    # goes onwards; the skip link is still the first stop in the page's tab order.
    page.goto("/logga-in/")
    assert "skip-link" in page.evaluate(FIRST_TABBABLE)
    expect(page.get_by_label("Användarnamn")).to_be_focused()

    log_in(page, caseworker(world["AMN"]))
    for path in ["/", "/import/", "/register/AMN/"]:
        page.goto(path)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Hoppa till innehållet")
        expect(skip).to_be_focused()
        assert skip.get_attribute("href") == "#main"
        box = skip.bounding_box()  # Off screen until focused, then visible at the top left.
        assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 10, (path, box)
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        # The next Tab continues inside main, not back in the header, and the focus there is
        # visible against the white page at 3:1 at least (WCAG 1.4.11).
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('main')"), path
        colours = focus_indicator_colours(page)
        best = max((contrast(colour, WHITE) for colour in colours), default=0)
        assert best >= 3, f"{path}: fokusmarkeringen {colours} har kontrast {best:.1f} mot vitt"


def test_the_not_found_page_is_swedish_and_accessible(page: Page, axe: Axe, world) -> None:  # type: ignore[no-untyped-def]
    log_in(page, caseworker(world["AMN"]))
    response = page.goto(f"/finns-inte/{BERIT}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    assert BERIT not in page.locator("body").inner_text()
    assert_accessible(page, axe, "Sidan finns inte")
