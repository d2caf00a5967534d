"""The OpenAPI description is true: it describes every URL of the API and nothing else, and
real answers, errors included, validate against the schemas it gives for them."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import resolve, reverse
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from helhetsbild.analysis import engine
from helhetsbild.analysis.catalogue import breakdowns
from helhetsbild.analysis.disclosure import TOTAL
from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.analysis.store import build_store
from helhetsbild.api import urls
from helhetsbild.api.views import openapi_document
from helhetsbild.organisation.models import Committee
from tests.analysis.test_cli import import_synthetic
from tests.api.conftest import Get
from tests.factories import TODAY

pytestmark = pytest.mark.django_db

DOCUMENT = openapi_document()
BASE = "urn:helhetsbild:openapi"
REGISTRY = Registry().with_resource(BASE, DRAFT202012.create_resource(DOCUMENT))
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def described_paths() -> set[str]:
    return set(DOCUMENT["paths"])


def pointer(*parts: str) -> str:
    return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def schema_pointer(path: str, status: int) -> str:
    """Where the schema of the answer to GET `path` with `status` is, following a shared
    response's reference."""
    response = DOCUMENT["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in response:
        return f"{response['$ref']}/content/application~1json/schema"
    return pointer(
        "paths", path, "get", "responses", str(status), "content", "application/json", "schema"
    )


def validate(response: Any, path: str) -> None:
    assert response["Content-Type"] == "application/json"
    schema = {"$ref": BASE + schema_pointer(path, response.status_code)}
    validator = Draft202012Validator(
        schema, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(response.json())


def test_every_url_of_the_api_is_described_and_nothing_else() -> None:
    routes = {
        "/" + CONVERTER.sub(r"{\1}", str(pattern.pattern)).removeprefix("v1/")
        for pattern in urls.urlpatterns
    }

    assert routes == described_paths()
    base = reverse("api:indicators").removesuffix("/indicators")
    assert [server["url"] for server in DOCUMENT["servers"]] == [base]
    for path in described_paths():
        assert resolve(base + path.replace("{indicator_id}", "mottagna")).app_name == "api"


def test_every_schema_is_valid_json_schema() -> None:
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_the_breakdowns_described_are_those_of_the_catalogue() -> None:
    parameters = DOCUMENT["paths"]["/indicators/{indicator_id}/results"]["get"]["parameters"]
    breakdown = next(p for p in parameters if p.get("name") == "breakdown")

    assert breakdown["schema"]["enum"] == [TOTAL, *breakdowns()]


@pytest.mark.parametrize(
    ("url", "path", "status"),
    [
        ("/api/v1/indicators", "/indicators", 200),
        ("/api/v1/indicators/sfi_avbrott", "/indicators/{indicator_id}", 200),
        ("/api/v1/indicators/sfi_avbrott/results", "/indicators/{indicator_id}/results", 200),
        (
            "/api/v1/indicators/mottagna/results?breakdown=kön",
            "/indicators/{indicator_id}/results",
            200,
        ),
        ("/api/v1/results", "/results", 200),
        ("/api/v1/results?from=2020&to=2026", "/results", 200),
        ("/api/v1/results?from=1", "/results", 400),
        ("/api/v1/indicators?to=2026", "/indicators", 400),
        ("/api/v1/indicators/finns_inte", "/indicators/{indicator_id}", 404),
        ("/api/v1/indicators/finns_inte/results", "/indicators/{indicator_id}/results", 404),
    ],
)
def test_answers_match_their_schemas(
    store: AnalysisBuild, get: Get, url: str, path: str, status: int
) -> None:
    response = get(url)

    assert response.status_code == status
    validate(response, path)


def test_refusals_match_their_schemas(store: AnalysisBuild, get: Get, reader: User) -> None:
    unauthorized = Client().get("/api/v1/results")
    assert unauthorized.status_code == 401
    validate(unauthorized, "/results")
    reader.memberships.all().delete()
    response = get("/api/v1/results")
    assert response.status_code == 403
    validate(response, "/results")


def test_a_missing_store_matches_its_schema(get: Get) -> None:
    response = get("/api/v1/results")
    assert response.status_code == 503
    validate(response, "/results")


def test_the_description_describes_itself(db: None) -> None:
    validate(Client().get("/api/v1/openapi.json"), "/openapi.json")


def test_the_cell_schema_is_not_vacuous(store: AnalysisBuild, get: Get) -> None:
    """A hidden number, or a field the API does not give, fails the schema."""
    cells = get("/api/v1/results").json()["cells"]
    hidden = next(cell for cell in cells if cell["suppressed"])
    validator = Draft202012Validator(
        {"$ref": f"{BASE}#/components/schemas/Cell"}, registry=REGISTRY
    )

    assert validator.is_valid(hidden)
    assert not validator.is_valid(hidden | {"value": 0})
    assert not validator.is_valid(hidden | {"explanation": "liten grupp"})


@pytest.mark.slow
def test_a_synthetic_municipalitys_results_match_the_schema(
    committees: dict[str, Committee], tmp_path: Path, get: Get
) -> None:
    """Shares, amounts and months with real figures, not only the small register's zeros."""
    import_synthetic(committees, tmp_path, persons=400)
    engine._cache.clear()
    build_store(actor=None, reference_date=TODAY)

    response = get("/api/v1/results")

    assert response.status_code == 200
    shown = {cell["unit"] for cell in response.json()["cells"] if cell["value"]}
    assert shown == {"share", "count", "amount", "months"}
    validate(response, "/results")
