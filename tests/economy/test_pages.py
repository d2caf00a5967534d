"""The Ekonomi page: totals per type and month for everyone allowed aggregates, one person's
rows for controllers only, each lookup in the access log."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.organisation.models import Role
from helhetsbild.register.identity import parse_personnummer, pseudonym
from tests.economy.register import ERIK, SARA, import_economy_register
from tests.factories import PASSWORD, TODAY, caseworker, make_user, personnummer

pytestmark = pytest.mark.django_db

URL = "/ekonomi/"


@pytest.fixture
def register(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_page_is_the_economy_apps_root() -> None:
    assert reverse("economy:overview") == URL


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_reader_sees_totals_by_month_and_type_with_unknown_amounts_as_okant(register) -> None:  # type: ignore[no-untyped-def]
    response = logged_in(make_user(Role.READER)).get(URL)

    text = response.text
    assert response.status_code == 200
    # Five persons of the 2024 cohort: 5 × 6 875 kr a month until 2026-05.
    assert "34\xa0375" in text
    # Erik, received in 2025: the rate is unknown, and one person's initial amount is hidden.
    assert "Beloppen för personer mottagna 2025 har inte hittats i källorna." in text
    assert ">34\xa0375 + okänt<" in text
    assert "24 lika stora månadsdelar" in text  # the payment-schedule assumption
    assert "SFS 2017:1321" in text and "schablon-2026" in text  # rules and sources
    assert "Personnummer" not in text  # no lookup form for a reader


def test_a_hidden_cell_is_two_dots_never_zero(register) -> None:  # type: ignore[no-untyped-def]
    text = logged_in(make_user(Role.READER)).get(URL).text

    # 2025-03: the five and Sara (received 2024-01-10) are known, Erik's part is not; his
    # initial compensation is one person's amount: hidden.
    row = text[text.index(">2025-03<") :].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="number">')[1:]]
    assert cells[:2] == ["41\xa0250 + okänt", ".."]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.READER, 403), (Role.ANALYST, 403), (Role.ADMIN, 403), (Role.CONTROLLER, 200)],
)
def test_only_a_controller_may_look_up_a_person(register, role: str, status: int) -> None:  # type: ignore[no-untyped-def]
    response = logged_in(make_user(role)).post(URL, {"personnummer": SARA})

    assert response.status_code == status
    assert AccessEvent.objects.count() == (1 if status == 200 else 0)


def test_a_caseworker_sees_the_totals_but_may_not_look_up_a_person(register, committees) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(caseworker(committees["SN"]))

    assert client.get(URL).status_code == 200
    assert client.post(URL, {"personnummer": SARA}).status_code == 403


def test_a_controller_sees_one_persons_rows_and_the_lookup_is_logged(register) -> None:  # type: ignore[no-untyped-def]
    controller = make_user(Role.CONTROLLER)
    response = logged_in(controller).post(URL, {"personnummer": SARA})

    text = response.text
    assert "20090401-****" in text and SARA not in text
    assert "41\xa0850 kr" in text and "31\xa0000 kr" in text  # 31 days at 1 350, then at 1 000
    assert "ekb-dygn-2017-2023" in text and "ekb-dygn-2024" in text
    event = AccessEvent.objects.get()
    assert (event.user, event.action, event.detail) == (
        controller,
        events.COMPENSATION_PERSON_SEARCHED,
        "träff",
    )
    assert event.pseudonym == pseudonym(parse_personnummer(SARA, today=TODAY))


def test_a_persons_unknown_amounts_read_okant(register) -> None:  # type: ignore[no-untyped-def]
    text = logged_in(make_user(Role.CONTROLLER)).post(URL, {"personnummer": ERIK}).text

    assert "okänt" in text and "Beloppen för personer mottagna 2025" in text
    assert "20\xa0521 kr" in text and "(härlett)" in text


def test_a_lookup_without_a_match_is_logged_too(register) -> None:  # type: ignore[no-untyped-def]
    response = logged_in(make_user(Role.CONTROLLER)).post(
        URL, {"personnummer": personnummer("19800101", "990")}
    )

    assert "Registret har ingen person med det personnumret." in response.text
    event = AccessEvent.objects.get()
    assert (event.pseudonym, event.detail) == ("", "ingen träff")


def test_a_wrong_check_digit_is_refused_and_nothing_is_logged(register) -> None:  # type: ignore[no-untyped-def]
    wrong = SARA[:-1] + str((int(SARA[-1]) + 1) % 10)

    response = logged_in(make_user(Role.CONTROLLER)).post(URL, {"personnummer": wrong})

    assert "kontrollsiffran stämmer inte" in response.text
    assert not AccessEvent.objects.exists()


def test_without_an_analysis_store_the_page_says_what_to_do(committees) -> None:  # type: ignore[no-untyped-def]
    response = logged_in(make_user(Role.READER)).get(URL)

    assert response.status_code == 200 and "helhetsbild analyse" in response.text
