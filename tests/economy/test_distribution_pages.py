"""The Ekonomi page per committee: the municipality's distribution rule shown as a table, the
expected compensation per committee and month protected as the totals are, the not-configured
and the wrong-rule cases; and `helhetsbild compensation distribution`."""

import json
from io import StringIO
from pathlib import Path

import lxml.html
import pytest
from django.core.management import call_command
from django.test import Client

from helhetsbild.organisation.models import Role
from tests.economy.register import import_economy_register
from tests.economy.test_distribution import CHILDREN_TO_UN
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

URL = "/ekonomi/"
PER_COMMITTEE = "Ersättning per nämnd i kronor per månad"
TOTALS = "Förväntad ersättning i kronor per månad och typ"


@pytest.fixture
def register(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


def page(role: str = Role.READER) -> str:
    client = Client()
    assert client.login(username=make_user(role).username, password=PASSWORD)
    response = client.get(URL)
    assert response.status_code == 200
    return response.text


def table(html: str, caption: str) -> tuple[list[str], list[list[str]]]:
    """The last header row and the body rows, as text."""
    [found] = [
        t
        for t in lxml.html.fromstring(html).iter("table")
        if t.find("caption") is not None and t.find("caption").text_content().startswith(caption)
    ]
    heads = [" ".join(th.text_content().split()) for th in found.findall("thead/tr")[-1]]
    rows = [
        [" ".join(cell.text_content().split()) for cell in tr] for tr in found.findall("tbody/tr")
    ]
    return heads, rows


def by_month(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0].split(" (")[0]: row[1:] for row in rows}


def test_the_shipped_rule_is_shown_with_its_decision(register) -> None:  # type: ignore[no-untyped-def]
    html = page()

    heads, rule = table(html, "Fördelningsregel (distribution.toml)")
    assert heads == ["Ersättning", "Ålder", "Nämnd", "Andel", "Beslut"]
    assert rule[0] == [
        "Schablonersättning",
        "0–19 år",
        "Utbildningsnämnden (UN)",
        "80 %",
        "Exempel i demonstrationen, inget beslut.",
    ]
    assert rule[5][:4] == ["Schablonersättning", "65 år och äldre", "Socialnämnden (SN)", "100 %"]
    assert len(rule) == 9  # six shares of three bands, and one band for each of three types
    assert "För barn och unga till och med 19 år går den mest till skolan" in html


def test_per_committee_the_months_add_up_to_the_types_total_and_small_bands_are_hidden(
    register,  # type: ignore[no-untyped-def]
) -> None:
    html = page()

    heads, rows = table(html, PER_COMMITTEE)
    committees = by_month(rows)
    assert heads[:4] == [
        "Utbildningsnämnden (UN)",
        "Socialnämnden (SN)",
        "Arbetsmarknadsnämnden (AMN)",
        "Kommunstyrelsen (KS)",
    ]
    totals = by_month(table(html, TOTALS)[1])
    # 2026-03: the five adults' 34 375 kr split 60/30/10 (the odd krona by half-up running
    # totals); Erik, also an adult, has an unknown amount; no child that month.
    assert committees["2026-03"][:4] == ["–", "10 313 + okänt", "20 625 + okänt", "3 437 + okänt"]
    assert totals["2026-03"][0] == "34 375 + okänt"
    # 2025-06: Sara, the one child, is hidden, and so is the adults' band, or 41 250 minus it
    # would give her amount away; the type's total stays.
    assert committees["2025-06"][:4] == ["..", ".. + okänt", ".. + okänt", ".. + okänt"]
    assert totals["2025-06"][0] == "41 250 + okänt"
    assert len(committees) == len(totals) == 36


def test_a_municipalitys_own_rule_from_the_setting(register, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    own = tmp_path / "uppsala.toml"
    own.write_text(CHILDREN_TO_UN, encoding="utf-8")
    settings.COMPENSATION_DISTRIBUTION_FILE = str(own)

    html = page()

    heads, rows = table(html, PER_COMMITTEE)
    committees = by_month(rows)
    assert heads == [
        "Utbildningsnämnden (UN)",
        "Socialnämnden (SN)",
        "Arbetsmarknadsnämnden (AMN)",
    ]
    assert committees["2026-03"] == ["–", "17 188 + okänt", "17 187 + okänt"]
    _heads, rule = table(html, "Fördelningsregel (uppsala.toml)")
    assert rule[-1] == [
        "Schablonersättning",
        "20 år och äldre",
        "Arbetsmarknadsnämnden (AMN)",
        "50 %",
        "KS 2026-03-02 § 41",
    ]


@pytest.mark.parametrize("setting", ["", "tom.toml"])
def test_without_a_rule_the_page_says_none_is_configured(
    register,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
    setting: str,
) -> None:
    (tmp_path / "tom.toml").write_text("# Inget beslut än.\n", encoding="utf-8")
    settings.COMPENSATION_DISTRIBUTION_FILE = str(tmp_path / setting) if setting else ""

    html = page()

    assert "Kommunen har inte angett någon fördelning av ersättningen mellan nämnderna" in html
    assert PER_COMMITTEE not in html and "Fördelningsregel" not in html
    assert TOTALS in html


def test_a_rule_file_that_is_not_there_is_reported_on_the_page(
    register,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.COMPENSATION_DISTRIBUTION_FILE = str(tmp_path / "saknas.toml")

    html = page()

    assert f"Fördelningsfilen {tmp_path / 'saknas.toml'} finns inte." in html
    assert PER_COMMITTEE not in html and TOTALS in html


def test_a_rule_naming_a_committee_that_does_not_exist_is_reported_on_the_page(
    register,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    own = tmp_path / "fel.toml"
    own.write_text(CHILDREN_TO_UN.replace("UN = 100", "BUN = 100"), encoding="utf-8")
    settings.COMPENSATION_DISTRIBUTION_FILE = str(own)

    html = page()

    assert (
        "fel.toml, rad 2 ([[distribution]] nr 1), åldersband 1 på rad 7, fältet shares: nämnden "
        "&#x27;BUN&#x27; finns inte; kända nämnder är AMN, KS, SN, UN"
    ) in html
    assert PER_COMMITTEE not in html and TOTALS in html


def distribution_json(*arguments: str) -> list[dict[str, object]]:
    out = StringIO()
    call_command("compensation", "distribution", "--format", "json", *arguments, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_the_command_prints_rows_per_committee_type_month_and_band(register) -> None:  # type: ignore[no-untyped-def]
    rows = distribution_json("--from", "2026-03", "--to", "2026-03")

    schablon = [row for row in rows if row["type"] == "standard_compensation"]
    assert [(row["committee"], row["known"], row["share"]) for row in schablon] == [
        ("AMN", 20625, 60),
        ("SN", 10313, 30),
        ("KS", 3437, 10),
    ]
    first = schablon[0]
    assert first["month"] == "2026-03" and first["rule"] == "standard_compensation/20-64"
    assert first["amount"] is None and first["unknown"] is True  # Erik's part is unknown
    assert first["decision"] == "Exempel i demonstrationen, inget beslut."


def test_the_command_hides_what_the_page_hides(register) -> None:  # type: ignore[no-untyped-def]
    rows = distribution_json("--from", "2025-06", "--to", "2025-06")

    schablon = [row for row in rows if row["type"] == "standard_compensation"]
    assert schablon and all(row["suppressed"] and row["known"] is None for row in schablon)
    assert all(row["amount"] is None for row in schablon)


def test_the_command_without_a_rule_prints_nothing(register, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMPENSATION_DISTRIBUTION_FILE = ""

    assert distribution_json() == []
