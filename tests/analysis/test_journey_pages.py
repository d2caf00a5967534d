"""The pages of Användarresan through Django's test client: who sees what, the form's answers to
bad input, and that no identity reaches a page or a URL."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.analysis import journey
from helhetsbild.analysis.store import current_build
from helhetsbild.organisation.models import Role
from helhetsbild.register.models import Person
from tests.analysis.journey_register import EVA, import_and_build
from tests.analysis.small_register import Keys, secrets_of_the_register
from tests.factories import PASSWORD, caseworker, make_user

pytestmark = pytest.mark.django_db

JOURNEY = reverse("analysis:journey")
OPEN = reverse("analysis:journey_open")
COHORT_2026 = "?ar=2026&kon=&malgrupp="
PURPOSE = "Analys av insatsflöden"


@pytest.fixture
def keys(committees, tmp_path: Path) -> tuple[Keys, int]:  # type: ignore[no-untyped-def]
    return import_and_build(committees, tmp_path)


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def analyst() -> Client:
    return logged_in(make_user(Role.ANALYST))


def code_of(person_key: int) -> str:
    build = current_build()
    assert build is not None
    return journey.journey_code(build.pk, person_key)


def table_rows(html: str) -> list[list[str]]:
    """The journey table's rows as text: the row header, then the cells."""
    body = html.split('class="journey-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>")[0]
    return [
        re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def identities() -> list[str]:
    return [*secrets_of_the_register(), EVA, EVA.replace("-", "")]


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get(JOURNEY)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_without_a_built_store_the_page_says_so_in_swedish(committees) -> None:  # type: ignore[no-untyped-def]
    response = analyst().get(JOURNEY)
    assert response.status_code == 200
    assert "Analysdatabasen är inte byggd än" in response.text
    response = analyst().post(OPEN, {"vald": "R-000000000000", "syfte": "analys"})
    assert response.status_code == 200 and "Analysdatabasen är inte byggd än" in response.text


def test_a_reader_sees_the_protected_table_and_chart_but_no_journeys(keys) -> None:  # type: ignore[no-untyped-def]
    response = logged_in(make_user(Role.READER)).get(JOURNEY + COHORT_2026)
    assert response.status_code == 200
    rows = table_rows(response.text)
    # Months 0-8; with the default threshold of 5 every total of three or fewer is hidden.
    assert [row[0] for row in rows] == [str(month) for month in range(9)]
    assert {row[1] for row in rows} == {".."}
    assert rows[0][1:] == ["..", *["0"] * 10, ".."]
    assert re.search(r"<img src=\"data:image/svg\+xml;base64,[^\"]+\" alt=\"\">", response.text)
    assert "Filter på små grupper kan dölja många värden" in response.text
    assert "Öppna en enskild resa" not in response.text and "R-" not in response.text


def test_the_page_opens_on_the_latest_complete_cohort(keys) -> None:  # type: ignore[no-untyped-def]
    response = analyst().get(JOURNEY)
    assert "bosättningsår 2025" in response.text
    assert [row[0] for row in table_rows(response.text)] == [str(m) for m in range(13)]


def test_filters_change_the_table_and_the_caption(keys, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIN_CELL_SIZE = 3
    client = logged_in(make_user(Role.READER))
    everyone = table_rows(client.get(JOURNEY + COHORT_2026).text)
    assert everyone[0] == ["0", "3", *["0"] * 10, "3"]
    response = client.get(JOURNEY + "?ar=2026&kon=K&malgrupp=mottagandeform%3Aassigned")
    assert "kön: Kvinna, mottagandeform: Anvisad" in response.text
    # Anna alone: every non-zero count is hidden.
    assert table_rows(response.text)[0] == ["0", "..", *["0"] * 10, ".."]


@pytest.mark.parametrize(
    "query",
    [
        "?ar=1999",
        "?ar=tjugo",
        "?ar=2026&kon=X",
        "?ar=2026&malgrupp=mottagandeform%3Aokand",
        "?ar=2026&malgrupp=tid_i_kommunen%3A0-11",
        "?ar=2026&malgrupp=%27%3B+DROP+TABLE+persons",
    ],
)
def test_an_unknown_filter_value_is_a_form_error(keys, query) -> None:  # type: ignore[no-untyped-def]
    response = logged_in(make_user(Role.READER)).get(JOURNEY + query)
    assert response.status_code == 200
    assert "Formuläret innehåller fel" in response.text and "field-error" in response.text
    assert "journey-table" not in response.text


def test_an_analyst_chooses_from_the_sorted_codes_of_the_filtered_cohort(keys) -> None:  # type: ignore[no-untyped-def]
    small, eva = keys
    response = analyst().get(JOURNEY + COHORT_2026)
    listed = re.findall(r'name="vald" id="vald-\d+" value="(R-[0-9a-f]+)"', response.text)
    assert listed == sorted(code_of(key) for key in (small.anna, small.bo, small.dora))
    women = analyst().get(JOURNEY + "?ar=2026&kon=K")
    listed = re.findall(r'name="vald" id="vald-\d+" value="(R-[0-9a-f]+)"', women.text)
    assert listed == sorted(code_of(key) for key in (small.anna, small.dora))


@pytest.mark.parametrize(
    "user",
    [
        pytest.param(lambda c: make_user(Role.READER), id="reader"),
        pytest.param(lambda c: caseworker(c["SN"]), id="caseworker"),
        pytest.param(lambda c: make_user(Role.ADMIN), id="admin"),
    ],
)
def test_only_an_analyst_may_open_a_journey(keys, committees, user) -> None:  # type: ignore[no-untyped-def]
    small, _eva = keys
    response = logged_in(user(committees)).post(
        OPEN + COHORT_2026, {"vald": code_of(small.bo), "syfte": "analys"}
    )
    assert response.status_code == 403
    assert not AccessEvent.objects.exists()


def test_an_analyst_opens_a_journey_by_post_and_the_opening_is_logged(keys) -> None:  # type: ignore[no-untyped-def]
    small, _eva = keys
    code = code_of(small.anna)
    response = analyst().post(OPEN + COHORT_2026 + "&sida=1", {"vald": code, "syfte": "analys"})
    assert response.status_code == 200
    assert f"Resa {code}" in response.text and PURPOSE in response.text
    assert "Etableringsprogrammet, Sfi" in response.text and "Förstahandskontrakt" in response.text
    assert "25–39 år" in response.text and "Anvisad" in response.text
    event = AccessEvent.objects.get()
    assert (event.action, event.purpose, event.detail) == (events.JOURNEY_OPENED, PURPOSE, code)
    assert event.pseudonym == Person.objects.get(pk=small.anna).pseudonym
    assert response["Cache-Control"] == "no-store"
    for secret in identities():
        assert secret not in response.text, secret


def test_a_typed_code_and_another_purpose_with_its_text_are_accepted(keys) -> None:  # type: ignore[no-untyped-def]
    small, _eva = keys
    code = code_of(small.dora)
    response = analyst().post(
        OPEN + COHORT_2026,
        {"kod": f"  {code.lower()} ", "syfte": "annat", "annat_syfte": "Test"},
    )
    assert response.status_code == 200 and f"Resa {code}" in response.text
    assert AccessEvent.objects.get().purpose == "Annat: Test"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"syfte": "analys"}, "Välj en resa i listan eller skriv en resekod."),
        ({"kod": "R-12", "syfte": "analys"}, "En resekod är R- följt av tolv tecken"),
        ({"vald": "CODE", "syfte": ""}, "Detta fält måste fyllas i."),
        ({"vald": "CODE", "syfte": "annat"}, "Beskriv syftet när du väljer Annat."),
        ({"vald": "CODE", "syfte": "annat", "annat_syfte": "19900101-9802"}, "personnummer"),
    ],
)
def test_an_opening_without_a_valid_code_or_purpose_is_a_form_error(keys, data, error) -> None:  # type: ignore[no-untyped-def]
    small, _eva = keys
    if data.get("vald") == "CODE":
        data = {**data, "vald": code_of(small.bo)}
    response = analyst().post(OPEN + COHORT_2026, data)
    assert response.status_code == 200
    assert "Resan kunde inte öppnas" in response.text and error in response.text
    assert not AccessEvent.objects.exists()


def test_a_code_not_in_the_cohort_of_this_build_is_not_found(keys) -> None:  # type: ignore[no-untyped-def]
    _small, eva = keys
    for code in (code_of(eva), "R-0123456789ab"):
        response = analyst().post(OPEN + COHORT_2026, {"vald": code, "syfte": "analys"})
        assert response.status_code == 404
    assert not AccessEvent.objects.exists()


def test_opening_is_a_post_only(keys) -> None:  # type: ignore[no-untyped-def]
    small, _eva = keys
    response = analyst().get(OPEN + COHORT_2026 + f"&vald={code_of(small.bo)}&syfte=analys")
    assert response.status_code == 405
    assert not AccessEvent.objects.exists()


def test_no_page_or_url_of_the_journey_holds_an_identity(keys) -> None:  # type: ignore[no-untyped-def]
    small, _eva = keys
    client = analyst()
    page = client.get(JOURNEY + COHORT_2026)
    opened = client.post(OPEN + COHORT_2026, {"vald": code_of(small.bo), "syfte": "kvalitet"})
    for response in (page, opened):
        for secret in identities():
            assert secret not in response.text, secret
    urls = re.findall(r'(?:href|action)="([^"]*)"', page.text + opened.text)
    assert urls and not any(re.search(r"R-[0-9a-f]|person|\d{6,}", url) for url in urls)
