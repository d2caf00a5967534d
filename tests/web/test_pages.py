"""The pages of the foundation through Django's test client: what each user can do, and that
another committee's data stays out of reach however its id is guessed."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.imports.models import ImportBatch, QuarantineRow
from helhetsbild.organisation.models import Role
from helhetsbild.register.models import Person
from tests.factories import PASSWORD, caseworker, make_user, run_import, write_kind
from tests.web.world import ANNA, BERIT, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(committees, tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_world(committees, tmp_path)


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def person_id(number: str) -> int:
    from helhetsbild.register.identity import parse_personnummer, pseudonym

    return Person.objects.get(pseudonym=pseudonym(parse_personnummer(number))).pk


def test_login_page_is_swedish() -> None:
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="sv"' in response.text and "Logga in" in response.text


def test_anonymous_visitors_are_sent_to_log_in(world) -> None:  # type: ignore[no-untyped-def]
    for url in [
        reverse("home"),
        reverse("imports:upload"),
        reverse("imports:history"),
        reverse("register:persons", args=["AMN"]),
    ]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_caseworker_uploads_a_file_and_reads_its_report(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(caseworker(world["AMN"]))
    path = write_kind(
        tmp_path / "insatser.csv",
        "insatser",
        [[ANNA, "matcha", "2024-04-01", "", ""], [BERIT, "matcha", "2024-04-31", "", ""]],
    )
    with path.open("rb") as handle:
        response = client.post(
            reverse("imports:upload"),
            {"committee": world["AMN"].pk, "kind": "insatser", "file": handle},
            follow=True,
        )
    assert response.status_code == 200
    assert "Avvisad" in response.text and "är inget verkligt datum" in response.text
    batch = ImportBatch.objects.latest("id")
    assert (batch.state, batch.created_by.username) == ("rejected", "caseworker-amn")
    report = client.get(reverse("imports:batch_report_csv", args=[batch.pk]))
    assert "2024-04-31" in report.content.decode() and BERIT not in report.content.decode()


def test_a_dry_run_through_the_page_saves_nothing(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(caseworker(world["AMN"]))
    path = write_kind(
        tmp_path / "insatser.csv", "insatser", [[ANNA, "matcha", "2024-04-01", "", ""]]
    )
    batches = ImportBatch.objects.count()
    with path.open("rb") as handle:
        response = client.post(
            reverse("imports:upload"),
            {"committee": world["AMN"].pk, "kind": "insatser", "file": handle, "dry_run": "on"},
        )
    assert "Provkörning" in response.text and ImportBatch.objects.count() == batches


def test_a_caseworker_cannot_import_for_another_committee(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(caseworker(world["AMN"]))
    path = write_kind(
        tmp_path / "insatser.csv", "insatser", [[ANNA, "matcha", "2024-04-01", "", ""]]
    )
    with path.open("rb") as handle:
        response = client.post(
            reverse("imports:upload"),
            {"committee": world["SN"].pk, "kind": "insatser", "file": handle},
        )
    assert response.status_code == 200 and "Välj ett giltigt alternativ" in response.text
    assert not ImportBatch.objects.filter(committee=world["SN"], kind="insatser").exists()


def test_opening_a_person_is_logged_and_shows_only_own_records(world) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(world["AMN"])
    response = logged_in(user).get(reverse("register:person", args=["AMN", person_id(ANNA)]))
    assert response.status_code == 200
    assert ANNA in response.text and "Lager" in response.text
    assert "Förgymnasial" not in response.text and "9000" not in response.text
    event = AccessEvent.objects.get(user=user)
    assert (event.action, event.committee_code) == (events.PERSON_VIEWED, "AMN")
    assert event.pseudonym and ANNA.replace("-", "") not in event.pseudonym
    assert response["Cache-Control"] == "no-store"


def test_search_by_personnummer_goes_by_post_and_finds_own_person(world) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(caseworker(world["AMN"]))
    response = client.post(reverse("register:persons", args=["AMN"]), {"personnummer": ANNA})
    assert response.status_code == 302
    assert re.fullmatch(r"/register/AMN/person/\d+/", response["Location"])
    missing = client.post(reverse("register:persons", args=["AMN"]), {"personnummer": BERIT})
    assert "inga uppgifter om någon person" in missing.text


GUESSES = [
    ("register:persons", lambda w: ["SN"]),
    ("register:person", lambda w: ["SN", person_id(BERIT)]),
    ("register:person", lambda w: ["AMN", person_id(BERIT)]),
    ("register:person", lambda w: ["AMN", 999999]),
    ("imports:batch", lambda w: [ImportBatch.objects.filter(committee=w["SN"]).first().pk]),
    (
        "imports:batch_report_csv",
        lambda w: [ImportBatch.objects.filter(committee=w["SN"]).first().pk],
    ),
    ("imports:quarantine_csv", lambda w: [QuarantineRow.objects.get().batch_id]),
    ("imports:quarantine_row", lambda w: [QuarantineRow.objects.get().pk]),
]


@pytest.mark.parametrize(("name", "args"), GUESSES)
def test_another_committees_data_is_not_found_by_guessing(world, name, args) -> None:  # type: ignore[no-untyped-def]
    """The same request succeeds for the owner, so the 404 is the committee border, not a typo."""
    owner = caseworker(world["SN"])
    outsider = caseworker(world["AMN"])
    url = reverse(name, args=args(world))
    outsider_response = logged_in(outsider).get(url)
    assert outsider_response.status_code == 404
    owner_response = logged_in(owner).get(url)
    expected = 404 if args(world)[-1] == 999999 or "AMN" in args(world) else 200
    assert owner_response.status_code == expected


@pytest.mark.parametrize("role", [Role.ANALYST, Role.CONTROLLER, Role.READER, Role.ADMIN])
def test_other_roles_see_no_identified_person(world, role) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(make_user(role))
    assert client.get(reverse("register:person", args=["AMN", person_id(ANNA)])).status_code == 404
    assert client.get(reverse("register:persons", args=["AMN"])).status_code == 404
    assert client.get(reverse("imports:quarantine")).status_code == 403


def test_the_quarantine_shows_the_row_to_its_committee_and_logs_it(world) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(world["SN"])
    client = logged_in(user)
    listing = client.get(reverse("imports:quarantine"))
    assert "är ingen månad" in listing.text
    row = QuarantineRow.objects.get()
    page = client.get(reverse("imports:quarantine_row", args=[row.pk]))
    assert BERIT in page.text
    assert AccessEvent.objects.filter(user=user, action=events.QUARANTINE_VIEWED).count() == 1
    corrected = client.post(
        reverse("imports:quarantine_row", args=[row.pk]),
        {"hushåll": "H2", "personnummer": BERIT, "månad": "2024-12", "belopp": "1"},
    )
    assert corrected.status_code == 302
    row.refresh_from_db()
    assert row.state == "corrected"


def test_no_personnummer_in_any_link_of_the_pages(world) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(caseworker(world["SN"]))
    for url in [
        reverse("home"),
        reverse("register:persons", args=["SN"]),
        reverse("imports:history"),
        reverse("imports:quarantine"),
    ]:
        hrefs = re.findall(r'href="([^"]+)"', client.get(url).text)
        assert hrefs and not any(re.search(r"\d{8}-?\d{4}", href) for href in hrefs)


def test_error_pages_are_swedish_and_reveal_nothing(world, client) -> None:  # type: ignore[no-untyped-def]
    response = logged_in(caseworker(world["SN"])).get("/finns-inte/" + BERIT + "/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text and BERIT not in response.text


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\anna\\insatser.csv", "insatser.csv"),
        ("<script>.csv", "_script_.csv"),
        ("..", "fil"),
    ],
)
def test_uploaded_file_names_cannot_climb_or_inject(name: str, safe: str) -> None:
    from helhetsbild.imports.uploads import safe_file_name

    assert safe_file_name(name) == safe


def test_script_in_a_text_field_is_shown_as_text(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    payload = "<script>alert('x')</script>"
    run_import(
        world["AMN"],
        "insatser",
        write_kind(tmp_path / "x.csv", "insatser", [[ANNA, "studier", "2024-08-20", "", payload]]),
    )
    response = logged_in(caseworker(world["AMN"])).get(
        reverse("register:person", args=["AMN", person_id(ANNA)])
    )
    assert payload not in response.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.text


def test_a_committed_upload_rebuilds_the_analysis_store(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from helhetsbild.analysis.store import current_build

    client = logged_in(caseworker(world["AMN"]))
    path = write_kind(tmp_path / "ok.csv", "insatser", [[ANNA, "matcha", "2024-04-01", "", ""]])
    assert current_build() is None
    with path.open("rb") as handle:
        response = client.post(
            reverse("imports:upload"),
            {"committee": world["AMN"].pk, "kind": "insatser", "file": handle},
            follow=True,
        )
    assert "Filen är importerad: 1 av 1 rader sparades." in response.text
    build = current_build()
    assert build is not None and ImportBatch.objects.latest("id").pk in build.batch_ids
