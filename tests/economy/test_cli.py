"""`helhetsbild compensation expected|rules` as an operator meets it."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from helhetsbild.register.identity import parse_personnummer, pseudonym
from tests.economy.register import COHORT, ERIK, SARA, import_economy_register
from tests.factories import TODAY, personnummer

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("compensation", *args, stdout=out)
    return out.getvalue()


def expected_json(*args: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(run("expected", "--format", "json", *args))
    return rows


def pseudonym_of(number: str) -> str:
    return pseudonym(parse_personnummer(number, today=TODAY))


def test_json_rows_name_the_person_by_pseudonym_never_by_personnummer(register) -> None:  # type: ignore[no-untyped-def]
    text = run("expected", "--format", "json")
    rows = json.loads(text)

    assert {row["person"] for row in rows} == {pseudonym_of(n) for n in [*COHORT, ERIK, SARA]}
    assert set(rows[0]) == {
        "person",
        "type",
        "month",
        "amount",
        "rule",
        "source",
        "inferred",
        "reason",
    }
    for number in [*COHORT, ERIK, SARA]:
        assert number not in text and number.replace("-", "") not in text


def test_one_person_by_personnummer_with_the_months_asked_for(register) -> None:  # type: ignore[no-untyped-def]
    rows = expected_json("--personnummer", SARA, "--from", "2023-12", "--to", "2024-02")

    assert [(r["type"], r["month"], r["amount"], r["rule"]) for r in rows] == [
        ("standard_compensation", "2024-02", 6_875, "schablon-2024-under-66"),
        ("initial_costs", "2024-02", 3_003, "initiala-2024h1-under-20"),
        ("unaccompanied_minor_daily", "2023-12", 31 * 1_350, "ekb-dygn-2017-2023"),
        ("unaccompanied_minor_daily", "2024-01", 31 * 1_000, "ekb-dygn-2024"),
    ]
    assert {r["person"] for r in rows} == {pseudonym_of(SARA)}


def test_an_unknown_amount_is_null_with_its_reason_and_source(register) -> None:  # type: ignore[no-untyped-def]
    rows = expected_json("--personnummer", ERIK, "--from", "2025-03", "--to", "2025-03")

    assert rows == [
        {
            "person": pseudonym_of(ERIK),
            "type": "standard_compensation",
            "month": "2025-03",
            "amount": None,
            "rule": "schablon-2025",
            "source": rows[0]["source"],
            "inferred": False,
            "reason": "Beloppen för personer mottagna 2025 har inte hittats i källorna.",
        },
        {
            "person": pseudonym_of(ERIK),
            "type": "initial_costs",
            "month": "2025-03",
            "amount": 20_521,
            "rule": "initiala-2025-anvisad-20-65",
            "source": rows[1]["source"],
            "inferred": True,
            "reason": None,
        },
    ]
    assert "2010:1122" in str(rows[0]["source"])


def test_the_text_format_is_swedish_and_says_okant(register) -> None:  # type: ignore[no-untyped-def]
    text = run("expected", "--personnummer", ERIK, "--from", "2025-03", "--to", "2025-03")

    assert text.splitlines()[0].split()[:3] == ["person", "månad", "belopp,"]
    assert "okänt" in text and "20\xa0521" in text


WRONG_CHECK_DIGIT = ERIK[:-1] + str((int(ERIK[-1]) + 1) % 10)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--personnummer", WRONG_CHECK_DIGIT],
            "Ogiltigt personnummer: kontrollsiffran stämmer inte.",
        ),
        (["--personnummer", "1990"], "Ogiltigt personnummer: ska ha 12 siffror"),
        (
            ["--personnummer", personnummer("19900102", "980")],
            "Registret har ingen person med det personnumret.",
        ),
        (["--from", "2025-13"], "Månaden 2025-13 ska skrivas ÅÅÅÅ-MM."),
        (["--from", "2025-05", "--to", "2025-04"], "--to ligger före --from."),
    ],
)
def test_bad_input_gets_a_clear_swedish_error(register, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match=re.escape(message)):
        run("expected", *args)


def test_without_an_analysis_store_the_command_says_what_to_do() -> None:
    with pytest.raises(CommandError, match="helhetsbild analyse"):
        run("expected", "--format", "json")


def test_rules_are_checked_and_listed() -> None:
    text = run("rules")
    listed = json.loads(run("rules", "--format", "json"))

    assert text.splitlines()[-1] == "Regelfilerna är kontrollerade: inga fel."
    assert "schablon-2025" in text and "okänt" in text
    standard = next(kind for kind in listed if kind["code"] == "standard_compensation")
    assert standard["period_months"] == 24 and standard["payment"] == "automatic"
