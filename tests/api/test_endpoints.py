"""The API as a BI tool meets it: the same figures as `helhetsbild indicators --format json`,
with the build they come from, and a Swedish JSON answer for every refusal."""

import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.api.models import ApiToken
from helhetsbild.api.services import api_token_create, api_token_revoke
from helhetsbild.organisation.models import Committee, Membership, Role
from tests.api.conftest import Get
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

DATA_URLS = [
    "/api/v1/indicators",
    "/api/v1/indicators/mottagna",
    "/api/v1/indicators/mottagna/results",
    "/api/v1/results",
]
STORE_MISSING = "Analysdatabasen är inte byggd än. Kör 'helhetsbild analyse' efter en import."


def command_json(*args: str) -> Any:
    out = io.StringIO()
    call_command("indicators", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("url", "params", "command"),
    [
        ("/api/v1/results", {}, []),
        ("/api/v1/results", {"from": "2026", "to": "2026"}, ["--from", "2026", "--to", "2026"]),
        ("/api/v1/results", {"from": "2027"}, ["--from", "2027"]),
        ("/api/v1/indicators/mottagna/results", {}, ["--indicator", "mottagna"]),
        (
            "/api/v1/indicators/sfi_avbrott/results",
            {"to": "2026"},
            ["--indicator", "sfi_avbrott", "--to", "2026"],
        ),
    ],
)
def test_results_are_what_the_command_line_gives(
    store: AnalysisBuild, get: Get, url: str, params: dict[str, str], command: list[str]
) -> None:
    response = get(url, **params)

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()["cells"] == command_json(*command)


def test_the_catalogue_is_what_the_command_line_lists(store: AnalysisBuild, get: Get) -> None:
    catalogue = command_json("--list")

    assert get("/api/v1/indicators").json()["indicators"] == catalogue
    mottagna = next(item for item in catalogue if item["id"] == "mottagna")
    assert get("/api/v1/indicators/mottagna").json()["indicator"] == mottagna


def test_every_answer_names_the_build_it_comes_from(store: AnalysisBuild, get: Get) -> None:
    assert store.finished_at is not None
    for url in DATA_URLS:
        assert get(url).json()["build"] == {
            "id": store.pk,
            "reference_date": "2026-11-22",
            "finished_at": store.finished_at.astimezone().isoformat(timespec="seconds"),
        }


def test_a_breakdown_gives_only_its_cells(store: AnalysisBuild, get: Get) -> None:
    every = command_json("--indicator", "mottagna")

    by_sex = get("/api/v1/indicators/mottagna/results", breakdown="kön").json()["cells"]
    total = get("/api/v1/indicators/mottagna/results", breakdown="total").json()["cells"]

    assert by_sex == [cell for cell in every if cell["breakdown"] == "kön"]
    assert [cell["group"] for cell in by_sex] == ["K", "M"]
    assert [(cell["breakdown"], cell["group"]) for cell in total] == [("total", "total")]


def test_suppressed_cells_have_no_numbers(store: AnalysisBuild, get: Get) -> None:
    cells = get("/api/v1/results").json()["cells"]

    hidden = [cell for cell in cells if cell["suppressed"]]
    assert hidden and len(hidden) < len(cells)
    assert {(c["value"], c["numerator"], c["denominator"]) for c in hidden} == {(None, None, None)}


def test_head_answers_like_get(store: AnalysisBuild, key: str) -> None:
    response = Client().head("/api/v1/results", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200 and response.content == b""


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "API-nyckel saknas. Skicka den i huvudet Authorization: Bearer <nyckel>."),
        ("", "API-nyckel saknas. Skicka den i huvudet Authorization: Bearer <nyckel>."),
        ("Bearer", "Huvudet Authorization ska ha formen Bearer <nyckel>."),
        ("Basic cmVhZGVyOnNlY3JldA==", "Huvudet Authorization ska ha formen Bearer <nyckel>."),
        ("Bearer hb_00000000_gissad", "Okänd API-nyckel."),
    ],
)
def test_a_request_without_a_valid_key_is_refused(
    store: AnalysisBuild, header: str | None, message: str
) -> None:
    headers = {} if header is None else {"Authorization": header}
    for url in DATA_URLS:
        response = Client().get(url, headers=headers)

        assert response.status_code == 401
        assert response.json() == {"error": message}
        assert response["WWW-Authenticate"] == 'Bearer realm="helhetsbild"'


def test_a_signed_in_browser_session_is_not_a_key(store: AnalysisBuild, reader: User) -> None:
    client = Client()
    assert client.login(username=reader.username, password=PASSWORD)

    assert client.get("/api/v1/results").status_code == 401


def test_a_key_whose_user_is_deactivated_is_refused(
    store: AnalysisBuild, reader: User, get: Get
) -> None:
    assert get("/api/v1/results").status_code == 200
    reader.is_active = False
    reader.save()

    response = get("/api/v1/results")

    assert response.status_code == 401
    assert response.json() == {"error": "Användaren som API-nyckeln hör till är inte aktiv."}


def test_a_key_reads_with_its_users_permissions_as_they_are_now(
    store: AnalysisBuild, reader: User, get: Get
) -> None:
    assert all(get(url).status_code == 200 for url in DATA_URLS)
    Membership.objects.filter(user=reader).delete()

    for url in DATA_URLS:
        response = get(url)

        assert response.status_code == 403
        assert response.json() == {
            "error": "Användaren som API-nyckeln hör till får inte se indikatorer."
        }


def test_one_users_revoked_key_leaves_another_key_working(
    store: AnalysisBuild, reader: User, get: Get, key: str
) -> None:
    other = api_token_create(actor=None, user=reader, name="Excel").key
    api_token_revoke(actor=None, token=ApiToken.objects.get(name="Power BI"))

    assert get("/api/v1/results").status_code == 401
    assert get("/api/v1/results", key=other).status_code == 200


@pytest.mark.parametrize(
    ("url", "params", "status", "message"),
    [
        (
            "/api/v1/results",
            {"from": "tjugo"},
            400,
            "Parametern from ska vara ett år med fyra siffror, inte ”tjugo”.",
        ),
        (
            "/api/v1/results",
            {"to": "26"},
            400,
            "Parametern to ska vara ett år med fyra siffror, inte ”26”.",
        ),
        (
            "/api/v1/results",
            {"from": ""},
            400,
            "Parametern from ska vara ett år med fyra siffror, inte ””.",
        ),
        (
            "/api/v1/results",
            {"from": "2026", "to": "2025"},
            400,
            "Parametern from (2026) är senare än to (2025).",
        ),
        (
            "/api/v1/results",
            {"form": "2024"},
            400,
            "Okänd parameter form. Möjliga: from, to.",
        ),
        (
            "/api/v1/results",
            {"breakdown": "kön"},
            400,
            "Okänd parameter breakdown. Möjliga: from, to.",
        ),
        (
            "/api/v1/indicators",
            {"from": "2026"},
            400,
            "Okänd parameter from. Möjliga: inga.",
        ),
        (
            "/api/v1/indicators/mottagna/results",
            {"breakdown": "studieväg"},
            400,
            "Indikatorn mottagna har ingen uppdelning studieväg. Möjliga: total, kön, "
            "mottagandeform, ensamkommande, tillståndsgrund, utbildningsnivå, åldersgrupp, "
            "bosättningsår, tid_i_kommunen.",
        ),
        ("/api/v1/indicators/finns_inte", {}, 404, "Okänd indikator: finns_inte"),
        ("/api/v1/indicators/finns_inte/results", {}, 404, "Okänd indikator: finns_inte"),
    ],
)
def test_a_wrong_request_is_answered_with_what_is_wrong(
    store: AnalysisBuild,
    get: Get,
    url: str,
    params: dict[str, str],
    status: int,
    message: str,
) -> None:
    response = get(url, **params)

    assert (response.status_code, response.json()) == (status, {"error": message})


def test_a_parameter_given_twice_is_refused(store: AnalysisBuild, key: str) -> None:
    response = Client().get(
        "/api/v1/results?from=2025&from=2026", headers={"Authorization": f"Bearer {key}"}
    )

    assert response.status_code == 400
    assert response.json() == {"error": "Parametern from får bara anges en gång."}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_the_api_only_reads(store: AnalysisBuild, key: str, method: str) -> None:
    client = Client(enforce_csrf_checks=True)
    for url in [*DATA_URLS, "/api/v1/openapi.json"]:
        response = getattr(client, method)(url, headers={"Authorization": f"Bearer {key}"})

        assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
        assert response.json() == {
            "error": f"Metoden {method.upper()} stöds inte: API:t kan bara läsas, med GET."
        }


def test_without_an_analysis_store_the_api_says_so(get: Get) -> None:
    for url in DATA_URLS:
        response = get(url)

        assert (response.status_code, response.json()) == (503, {"error": STORE_MISSING})


def test_the_description_needs_no_key(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200 and response.json()["openapi"] == "3.1.0"


def test_a_caseworker_key_reads_the_same_aggregates(
    store: AnalysisBuild, committees: dict[str, Committee], get: Get
) -> None:
    """Aggregates are the same for every role: a committee's caseworker sees the pooled figures."""
    caseworker = make_user(Role.CASEWORKER, committees["SN"])
    key = api_token_create(actor=None, user=caseworker, name="SN:s BI").key  # type: ignore[arg-type]

    assert get("/api/v1/results", key=key).json() == get("/api/v1/results").json()
