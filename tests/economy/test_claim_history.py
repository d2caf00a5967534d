"""A claim's comment, its history in words and the types by their names: the history shows
the fields' Swedish names, decisions by their labels, dates and amounts the Swedish way; the
comment goes round the form and into the history but not into the file to Migrationsverket."""

import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from helhetsbild.economy.claim_selectors import FieldChange, history_entry, type_name
from helhetsbild.economy.models import Claim, ClaimChange, Decision
from helhetsbild.economy.services import claim_save
from helhetsbild.organisation.models import Role
from helhetsbild.register.identity import parse_personnummer, pseudonym
from helhetsbild.register.models import Person
from tests.economy.register import SARA, import_economy_register
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PAGE = "/ekonomi/atersokning/"
EDIT = "/ekonomi/atersokning/ansokan/"
CARE = "unaccompanied_care_costs"
CARE_NAME = "Ersättning för vårdinsatser enligt LVU eller SoL för ensamkommande barn"
KEY = {"type_code": CARE, "period_first": "2023-10-01"}
COMMENT = "Delvis beviljad: vården i januari räknades som SoL utan LVU-behov."


@pytest.fixture
def sara(committees, tmp_path: Path) -> Person:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)
    return Person.objects.get(pseudonym=pseudonym(parse_personnummer(SARA)))


@pytest.fixture
def controller() -> Client:
    client = Client()
    client.force_login(make_user(Role.CONTROLLER))
    return client


def _decided(person: Person, **values: object) -> Claim:
    return claim_save(
        make_user(Role.CONTROLLER),
        person=person,
        type_code=CARE,
        period=(dt.date(2023, 10, 1), dt.date(2023, 12, 31)),
        deadline=dt.date(2024, 6, 30),
        rule="ekb-vard",
        values={
            "amount_applied": 41250,
            "sent_on": dt.date(2024, 5, 2),
            "reference": "MV-17",
            "decision": Decision.PARTLY,
            "amount_paid": 30000,
            "paid_on": dt.date(2024, 8, 15),
            "comment": COMMENT,
        }
        | values,
    )


def test_the_history_on_the_page_reads_in_swedish_words(controller: Client, sara) -> None:  # type: ignore[no-untyped-def]
    _decided(sara)

    history = controller.get(PAGE).text.split('id="ansokningar"')[1].split('id="export"')[0]

    for shown in (
        "skapad med sista dag för ansökan: 30 juni 2024",
        "sökt belopp: 41\xa0250 kr",
        "skickad: 2 maj 2024",
        "Migrationsverkets diarienummer: MV-17",
        "beslut: delvis beviljad",
        "utbetalt belopp: 30\xa0000 kr",
        "utbetald: 15 augusti 2024",
        f"kommentar: {COMMENT}",
    ):
        assert shown in history, shown
    for raw in ("amount_applied", "partly", "2024-05-02", "41250", "skapad:"):
        assert raw not in history, raw


def test_a_change_shows_before_and_after_and_an_emptied_field_as_a_dash(sara) -> None:  # type: ignore[no-untyped-def]
    claim = _decided(sara)
    _decided(sara, decision=Decision.APPROVED, reference="")

    entry = history_entry(ClaimChange.objects.filter(claim=claim).last())  # type: ignore[arg-type]

    assert entry.changes == [
        FieldChange("Migrationsverkets diarienummer", "MV-17", "–"),
        FieldChange("beslut", "delvis beviljad", "beviljad"),
    ]


def test_a_field_no_longer_in_the_model_is_shown_by_its_stored_name(sara) -> None:  # type: ignore[no-untyped-def]
    claim = _decided(sara)
    old = ClaimChange(claim=claim, at=timezone.now(), username="x", changes={"bilaga": ["", "ja"]})

    assert history_entry(old).changes == [FieldChange("bilaga", "", "ja")]


def test_the_comment_goes_round_the_form_into_the_history_and_not_into_the_export(
    controller: Client, sara
) -> None:  # type: ignore[no-untyped-def]
    base = {"person": sara.pseudonym, **KEY}

    saved = controller.post(EDIT, {**base, "amount_applied": "41250", "comment": f"  {COMMENT} "})
    reopened = controller.post(EDIT, {**base, "visa": "1"})
    exported = controller.post("/ekonomi/atersokning/export/")

    assert saved.status_code == 302
    assert Claim.objects.get().comment == COMMENT
    assert 'for="id_comment"' in reopened.text and COMMENT in reopened.text
    assert ClaimChange.objects.get().changes["comment"] == ["", COMMENT]
    rows = list(csv.reader(StringIO(exported.content.decode()), delimiter=";"))
    assert len(rows) == 2 and COMMENT not in exported.content.decode()
    assert rows[1][1] == CARE_NAME


def test_a_too_long_comment_is_refused_at_the_field(controller: Client, sara) -> None:  # type: ignore[no-untyped-def]
    response = controller.post(EDIT, {"person": sara.pseudonym, **KEY, "comment": "x" * 2001})

    assert response.status_code == 400
    assert "som mest 2000 tecken (den har 2001)" in response.text
    assert 'aria-describedby="id_comment_error id_comment_helptext"' in response.text
    assert not Claim.objects.exists()


def test_types_are_shown_by_their_names_from_the_rules(controller: Client, sara) -> None:  # type: ignore[no-untyped-def]
    claim = _decided(sara)

    page = controller.get(PAGE).text
    form = controller.post(EDIT, {"person": sara.pseudonym, **KEY, "visa": "1"}).text
    person = controller.post("/ekonomi/atersokning/personnummer/", {"claim": claim.pk}).text

    assert f"<h3>{CARE_NAME}, 2023-10-01/2023-12-31" in page
    assert f"<dd>{CARE_NAME}</dd>" in form and f"<dd>{CARE_NAME}, 2023-10-01" in person
    assert f"<td>{CARE_NAME}</td>" in page  # the candidates' tables


def test_a_type_no_longer_in_the_rules_is_shown_by_its_code() -> None:
    assert type_name("standard_compensation") == "Schablonersättning"
    assert type_name("borttagen_typ") == "borttagen_typ"
