"""The Återsökning forms: a controller records a claim and its decision, sees a claim's
personnummer and exports the claims, each through a POST; nobody else may."""

import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.test import Client

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.economy.models import Claim, ClaimChange, Decision
from helhetsbild.economy.services import claim_save
from helhetsbild.organisation.models import Role
from helhetsbild.register.identity import parse_personnummer, pseudonym
from helhetsbild.register.models import Person
from tests.economy.register import SARA, import_economy_register
from tests.factories import caseworker, make_user

pytestmark = pytest.mark.django_db
EDIT = "/ekonomi/atersokning/ansokan/"
PERSON = "/ekonomi/atersokning/personnummer/"
EXPORT = "/ekonomi/atersokning/export/"
CARE = "unaccompanied_care_costs"
# Sara's care costs of the last quarter of 2023: a candidate of the test register.
KEY = {"type_code": CARE, "period_first": "2023-10-01"}


@pytest.fixture
def register(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


@pytest.fixture
def sara(register) -> Person:  # type: ignore[no-untyped-def]
    return Person.objects.get(pseudonym=pseudonym(parse_personnummer(SARA)))


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def controller() -> Client:
    return _signed_in(make_user(Role.CONTROLLER))


def _claim(person: Person, type_code: str = CARE) -> Claim:
    return claim_save(
        make_user(Role.CONTROLLER),
        person=person,
        type_code=type_code,
        period=(dt.date(2023, 10, 1), dt.date(2023, 12, 31)),
        deadline=dt.date(2024, 6, 30),
        rule="test",
        values={"amount_applied": 1000},
    )


def test_the_list_opens_the_form_filled_with_the_candidate(controller: Client, sara) -> None:  # type: ignore[no-untyped-def]
    response = controller.post(EDIT, {"person": sara.pseudonym, **KEY, "visa": "1"})

    assert response.status_code == 200
    assert 'for="id_amount_applied"' in response.text and "2024-06-30" in response.text
    assert not Claim.objects.exists()


def test_recording_a_claim_and_then_its_decision_saves_both_with_their_history(
    controller: Client, sara
) -> None:  # type: ignore[no-untyped-def]
    base = {"person": sara.pseudonym, **KEY}

    sent = controller.post(
        EDIT, {**base, "amount_applied": "41250", "sent_on": "2024-05-02", "reference": "MV-17"}
    )
    decided = controller.post(
        EDIT,
        {
            **base,
            "amount_applied": "41250",
            "sent_on": "2024-05-02",
            "reference": "MV-17",
            "decision": Decision.PARTLY,
            "amount_paid": "30000",
            "paid_on": "2024-08-15",
        },
    )

    assert sent.status_code == decided.status_code == 302
    claim = Claim.objects.get()
    assert (claim.person, claim.type_code, claim.period_first) == (sara, CARE, dt.date(2023, 10, 1))
    assert (claim.amount_applied, claim.reference, claim.decision) == (41250, "MV-17", "partly")
    assert (claim.amount_paid, claim.paid_on) == (30000, dt.date(2024, 8, 15))
    first, second = ClaimChange.objects.filter(claim=claim)
    assert (
        first.changes["skapad"] == ["", "2024-06-30"] and first.changes["reference"][1] == "MV-17"
    )
    assert set(second.changes) == {"decision", "amount_paid", "paid_on"}
    page = controller.get("/ekonomi/atersokning/").text
    assert "Ansökan är sparad" in page and "utbetald" in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount_applied": "-5"}, "amount_applied", "större än eller lika med 0"),
        ({"decision": "approved"}, "sent_on", "Ange när ansökan skickades"),
        (
            {"sent_on": "2024-05-02", "decision": "approved", "amount_paid": "100"},
            "paid_on",
            "Ange både utbetalt belopp",
        ),
        (
            {
                "sent_on": "2024-05-02",
                "decision": "denied",
                "amount_paid": "1",
                "paid_on": "2024-06-01",
            },
            "amount_paid",
            "En avslagen ansökan",
        ),
        (
            {"comment": "Gäller även brodern 20120304-1234."},
            "comment",
            "Kommentaren får inte innehålla ett personnummer.",
        ),
    ],
)
def test_invalid_input_is_explained_at_the_field_and_saves_nothing(
    controller: Client, sara, values: dict[str, str], field: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    response = controller.post(EDIT, {"person": sara.pseudonym, **KEY, **values})

    assert response.status_code == 400
    assert message in response.text and "Ansökan är inte sparad" in response.text
    assert f'aria-describedby="id_{field}_error' in response.text
    assert f'id="id_{field}_error"' in response.text
    assert not Claim.objects.exists() and not ClaimChange.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CONTROLLER, True),
        (Role.READER, False),
        (Role.ANALYST, False),
        (Role.CASEWORKER, False),
    ],
)
def test_only_controllers_may_post_the_forms(committees, sara, role: str, allowed: bool) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(committees["KS"]) if role == Role.CASEWORKER else make_user(role)
    client = _signed_in(user)
    claim = _claim(sara)

    answers = [
        client.post(EDIT, {"person": sara.pseudonym, **KEY, "reference": "MV-1"}).status_code,
        client.post(PERSON, {"claim": claim.pk}).status_code,
        client.post(EXPORT).status_code,
    ]

    assert answers == ([302, 200, 200] if allowed else [403, 403, 403])
    assert Claim.objects.get().reference == ("MV-1" if allowed else "")
    assert AccessEvent.objects.filter(pseudonym=sara.pseudonym).exists() == allowed


def test_the_forms_answer_no_get(controller: Client, register) -> None:  # type: ignore[no-untyped-def]
    assert [controller.get(url).status_code for url in (EDIT, PERSON, EXPORT)] == [405] * 3


def test_showing_the_personnummer_logs_one_event_with_the_pseudonym(
    controller: Client, sara
) -> None:  # type: ignore[no-untyped-def]
    claim = _claim(sara)

    response = controller.post(PERSON, {"claim": claim.pk})

    assert str(parse_personnummer(SARA)) in response.text
    event = AccessEvent.objects.get()
    assert (event.action, event.pseudonym) == (events.CLAIM_IDENTITY_VIEWED, sara.pseudonym)


def test_the_export_is_logged_and_its_cells_cannot_run_as_formulas(
    controller: Client, sara
) -> None:  # type: ignore[no-untyped-def]
    _claim(sara, type_code="=HYPERLINK(1)")  # a type no longer in the rules is exported as is

    response = controller.post(EXPORT)

    assert response["Content-Disposition"].startswith("attachment;")
    header, line = csv.reader(StringIO(response.content.decode()), delimiter=";")
    assert header[0] == "personnummer"
    assert line[0] == str(parse_personnummer(SARA)) and line[1] == "'=HYPERLINK(1)"
    event = AccessEvent.objects.get()
    assert (event.action, event.pseudonym) == (events.CLAIM_IDENTITY_EXPORTED, sara.pseudonym)
