"""Expected against received per month and type, and the claims' deadlines, as the Ekonomi page
shows them to everyone allowed aggregates: worked examples with a partial and a late payment,
what disclosure control hides, and who is shown the way to the Återsökning page."""

import datetime as dt
from pathlib import Path

import lxml.html
import pytest
from django.test import Client

from helhetsbild.economy.claim_selectors import ClaimRow, claim_rows, missed
from helhetsbild.economy.followup import deadline_summary, received_by_month
from helhetsbild.economy.models import Claim
from helhetsbild.economy.reconciliation import ExpectedAmount, Received, reconcile
from helhetsbild.economy.services import payments_import
from helhetsbild.organisation.models import Role
from tests.economy.register import COHORT, SARA, import_economy_register
from tests.factories import PASSWORD, make_user

D = dt.date
TODAY = D(2026, 11, 22)
SCHABLON = "standard_compensation"
NAMES = {SCHABLON: "Schablonersättning"}
JUNE = D(2026, 6, 1)


def june(person: str, amount: int | None = 6875) -> ExpectedAmount:
    return ExpectedAmount(person, SCHABLON, JUNE, amount)


IN_TIME = D(2026, 6, 25)


def paid(person: str, amount: int = 6875, on: dt.date = IN_TIME) -> Received:
    return Received(person, SCHABLON, JUNE, D(2026, 6, 30), amount, on)


def texts(expected: list[ExpectedAmount], received: list[Received], threshold: int) -> list[str]:
    [row] = received_by_month(reconcile(expected, received, TODAY), NAMES, threshold)
    assert (row.month, row.type_name) == (JUNE, "Schablonersättning")
    return [row.expected.text, row.received.text, row.difference.text]


def test_partial_payments_show_as_a_negative_difference_and_a_late_one_as_none() -> None:
    people = ["anna", "bo", "cia", "dan", "eva", "fia"]
    received = [
        paid("anna"),
        paid("bo"),
        # Due by 2026-07-31 (a month after June, by the mapping); paid in full in September.
        paid("cia", on=D(2026, 9, 3)),
        paid("dan", 3000),
        paid("eva", 3000),
        paid("fia", 3000),
    ]

    result = texts([june(p) for p in people], received, threshold=3)

    # 6 × 6 875 expected; 3 in full (the late one too) and 3 × 3 000: 3 × 3 875 short.
    assert result == ["41\xa0250", "29\xa0625", "-11\xa0625"]


def test_a_difference_of_too_few_persons_hides_it_and_what_was_received() -> None:
    people = ["anna", "bo", "cia", "dan", "eva"]
    received = [paid("anna"), paid("bo"), paid("cia", on=D(2026, 9, 3)), paid("dan")]
    received.append(paid("eva", 3000))  # one partial payment: received − expected is hers

    assert texts([june(p) for p in people], received, threshold=5) == ["34\xa0375", "..", ".."]


def test_an_unknown_expected_amount_leaves_the_difference_unknown_never_zero() -> None:
    expected = [june(p) for p in ["anna", "bo", "cia"]] + [june("dan", None)]
    received = [paid(p) for p in ["anna", "bo", "cia", "dan"]]

    assert texts(expected, received, threshold=3) == ["20\xa0625 + okänt", "27\xa0500", "okänt"]


def test_few_persons_expected_hides_the_expected_sum_and_the_difference() -> None:
    received = [paid("anna"), paid("bo")]

    assert texts([june("anna"), june("bo")], received, threshold=3) == ["..", "..", ".."]


def test_a_refund_larger_than_the_payments_shows_a_negative_amount_received() -> None:
    people = ["anna", "bo", "cia", "dan", "eva"]
    # Migrationsverket takes back what it paid in May for each of them; nothing for June.
    received = [paid(p, -6875) for p in people]

    result = texts([june(p) for p in people], received, threshold=5)

    assert result == ["34\xa0375", "-34\xa0375", "-68\xa0750"]


def test_a_refund_of_too_few_persons_is_hidden_like_a_payment() -> None:
    people = ["anna", "bo", "cia", "dan", "eva"]
    received = [paid(p) for p in people[:4]] + [paid("eva", -6875)]

    assert texts([june(p) for p in people], received, threshold=5) == ["34\xa0375", "..", ".."]


def claim(
    person: int, deadline: dt.date, amount: int | None = None, sent: bool = False
) -> ClaimRow:
    recorded = Claim(sent_on=deadline - dt.timedelta(days=5)) if sent else None
    return ClaimRow(
        f"p{person}",
        person,
        None,
        "unaccompanied_care_costs",
        D(2026, 7, 1),
        D(2026, 9, 30),
        deadline,
        amount,
        "ekb-vard",
        None,
        recorded,
    )


def test_deadlines_in_30_and_90_days_and_missed_ones_with_the_amount_lost() -> None:
    rows = [
        *(claim(person, TODAY + dt.timedelta(days=30), 10_000) for person in range(5)),
        claim(0, TODAY, 5_000),  # today is still in time
        *(claim(person, TODAY + dt.timedelta(days=31)) for person in range(10, 13)),
        claim(13, TODAY + dt.timedelta(days=90), 1_000),
        claim(14, TODAY + dt.timedelta(days=91), 1_000),  # later than 90 days: not listed
        *(claim(person, TODAY - dt.timedelta(days=1)) for person in range(20, 25)),
        claim(25, TODAY - dt.timedelta(days=300), 7_000),
        claim(26, TODAY - dt.timedelta(days=1), 7_000, sent=True),  # sent in time
    ]

    summary = deadline_summary(rows, TODAY, threshold=3)

    assert (summary.soon.claims.text, summary.soon.amount.text) == ("6", "55\xa0000")
    # Four persons, one known amount (hers alone): hidden, and the rest unknown.
    assert (summary.later.claims.text, summary.later.amount.text) == ("4", ".. + okänt")
    assert (summary.missed.claims.text, summary.missed.amount.text) == ("6", ".. + okänt")


def test_no_claims_are_zero_and_few_are_hidden() -> None:
    summary = deadline_summary([claim(1, TODAY + dt.timedelta(days=3), 500)], TODAY, threshold=3)

    assert (summary.soon.claims.text, summary.soon.amount.text) == ("..", "..")
    assert (summary.later.claims.text, summary.later.amount.text) == ("0", "–")


# --- the page -------------------------------------------------------------------------------

URL = "/ekonomi/"


@pytest.fixture
def register(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


def page(role: str) -> str:
    client = Client()
    assert client.login(username=make_user(role).username, password=PASSWORD)
    response = client.get(URL)
    assert response.status_code == 200
    return response.text


def rows_of(html: str, caption: str) -> list[list[str]]:
    [table] = [
        t
        for t in lxml.html.fromstring(html).iter("table")
        if t.find("caption") is not None and t.find("caption").text_content() == caption
    ]
    return [[" ".join(c.text_content().split()) for c in tr] for tr in table.findall("tbody/tr")]


@pytest.mark.django_db
def test_the_page_shows_expected_against_received_after_disclosure_control(
    register,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """January 2025: the five adults and Sara expected 6 875 kr each; two paid in full, one in
    full but late, three in part."""
    settings.MIN_CELL_SIZE = 3
    amounts = [6875, 6875, 6875, 3000, 3000, 3000]
    dates = ["2025-01-25", "2025-01-25", "2025-03-10", "2025-01-25", "2025-01-25", "2025-01-25"]
    people = [*COHORT, SARA]
    lines = ["Personnummer;Ersättningstyp;Period;Belopp;Utbetalningsdatum"] + [
        f"{number};Schablonersättning;2025-01;{amount};{day}"
        for number, amount, day in zip(people, amounts, dates, strict=True)
    ]
    path = tmp_path / "utbetalningar.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    payments_import(None, path, path.name)

    html = page(Role.READER)

    assert rows_of(html, "Väntat och mottaget i kronor per månad och typ") == [
        ["2025-01", "Schablonersättning", "41 250", "29 625", "-11 625"]
    ]


@pytest.mark.django_db
def test_without_payments_the_page_says_none_are_imported(register) -> None:  # type: ignore[no-untyped-def]
    assert "Inga utbetalningsspecifikationer från Migrationsverket är inlästa än" in page(
        Role.ANALYST
    )


@pytest.mark.parametrize(("role", "link"), [(Role.CONTROLLER, True), (Role.READER, False)])
@pytest.mark.django_db
def test_the_deadline_summary_links_to_the_claims_for_controllers_only(
    register,  # type: ignore[no-untyped-def]
    role: str,
    link: bool,
) -> None:
    from django.utils import timezone

    html = page(role)

    lost = missed(claim_rows(None), timezone.localdate())
    rows = rows_of(html, "Ansökningar som inte är skickade")
    assert [row[0] for row in rows] == [
        "Inom 30 dagar",
        "Om 31–90 dagar",
        "Missad, beloppet förlorat",
    ]
    assert rows[2] == ["Missad, beloppet förlorat", str(len(lost)), "okänt"]
    assert ('href="/ekonomi/atersokning/"' in html) is link
