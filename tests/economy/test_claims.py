"""Claims: deadline arithmetic, candidates found in the register, the claim's history,
`claims due` and `claims remind`."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from helhetsbild.economy.claims import add_months, candidates_for, deadline_for, quarter_of
from helhetsbild.economy.compensation import PersonFacts
from helhetsbild.economy.models import Claim, ClaimChange, Decision
from helhetsbild.economy.rules import Deadline, DeadlineStart, rules
from helhetsbild.economy.services import claim_save
from helhetsbild.organisation.models import Role
from helhetsbild.register.identity import parse_personnummer, pseudonym
from tests.economy.register import COHORT, SARA, import_economy_register
from tests.factories import make_user

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 3, 31), 6, D(2024, 9, 30)),
        (D(2023, 12, 31), 6, D(2024, 6, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2023, 2, 28), 12, D(2024, 2, 28)),  # same day number, not the month's end
        (D(2024, 6, 30), 6, D(2024, 12, 30)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2024, 5, 10), 12, D(2025, 5, 10)),
    ],
)
def test_months_are_counted_to_the_same_day_or_the_shorter_months_last(
    start, months, expected
) -> None:  # type: ignore[no-untyped-def]
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("day", "deadline"),
    [
        (D(2024, 1, 15), D(2024, 9, 30)),
        (D(2024, 3, 31), D(2024, 9, 30)),
        (D(2023, 11, 2), D(2024, 6, 30)),
        (D(2024, 5, 1), D(2024, 12, 30)),
    ],
)
def test_six_months_from_the_end_of_the_quarter_applied_for(day, deadline) -> None:  # type: ignore[no-untyped-def]
    rule = Deadline(6, DeadlineStart.END_OF_QUARTER)
    assert deadline_for(rule, quarter_of(day), None) == deadline


def test_a_year_from_reception_on_a_leap_day() -> None:
    rule = Deadline(12, DeadlineStart.RECEPTION)
    assert deadline_for(rule, (D(2024, 2, 29), D(2024, 2, 29)), D(2024, 2, 29)) == D(2025, 2, 28)


def facts(**changes) -> PersonFacts:  # type: ignore[no-untyped-def]
    base = PersonFacts(
        key=1,
        birth_date=D(2009, 4, 1),
        received=D(2024, 1, 10),
        settlement_form="assigned",
        permit_grounds=frozenset({"protection"}),
        unaccompanied=True,
        residence=((D(2024, 1, 10), None),),
        placements=((D(2023, 12, 1), D(2024, 1, 31)),),
    )
    return base._replace(**changes)


def test_an_unaccompanied_minors_placement_gives_one_care_cost_candidate_per_quarter() -> None:
    found = [
        c for c in candidates_for(facts(), rules()) if c.kind.code == "unaccompanied_care_costs"
    ]

    assert [(c.first, c.last, c.deadline) for c in found] == [
        (D(2023, 10, 1), D(2023, 12, 31), D(2024, 6, 30)),
        (D(2024, 1, 1), D(2024, 3, 31), D(2024, 9, 30)),
    ]
    assert all(
        c.amount is None and c.reason and "faktisk kostnad" in c.reason.casefold() for c in found
    )


def test_placement_days_after_the_18th_birthday_are_no_care_cost_candidate() -> None:
    adult = facts(placements=((D(2027, 4, 1), D(2027, 6, 30)),))
    assert not [
        c for c in candidates_for(adult, rules()) if c.kind.code == "unaccompanied_care_costs"
    ]


@pytest.mark.parametrize(
    ("received", "form", "deadline"),
    [
        (D(2024, 6, 30), "assigned", D(2025, 6, 30)),
        (D(2024, 7, 1), "assigned", None),  # folded into the initial-cost compensation
        (D(2023, 5, 10), "self_settled", None),  # empty rent is for assigned persons only
    ],
)
def test_empty_rent_is_a_candidate_for_assigned_persons_received_before_july_2024(
    received, form, deadline
) -> None:  # type: ignore[no-untyped-def]
    person = facts(received=received, settlement_form=form, unaccompanied=False, placements=())
    found = [c.deadline for c in candidates_for(person, rules()) if c.kind.code == "empty_rent"]
    assert found == ([deadline] if deadline else [])


@pytest.fixture
def register(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


def run(*args: str) -> str:
    out = StringIO()
    call_command("claims", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_claims_due_lists_candidates_with_deadline_within_the_days(register) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run("due", "--days", "30", "--format", "json", "--date", "2025-04-20"))

    cohort = {pseudonym(parse_personnummer(n)) for n in COHORT}
    assert {row["person"] for row in rows} == cohort
    assert rows[0] == {
        "person": rows[0]["person"],
        "type": "empty_rent",
        "period": "2024-05-10",
        "deadline": "2025-05-10",
        "amount": None,
        "status": "ej sökt",
        "rule": "tomhyra-till-2024-06",
        "source": rows[0]["source"],
    }
    assert rows[0]["source"].startswith("Migrationsverket, Ersättning för tomhyra")
    later = json.loads(run("due", "--days", "30", "--format", "json", "--date", "2024-06-15"))
    sara = pseudonym(parse_personnummer(SARA))
    assert [(r["person"], r["type"], r["period"]) for r in later] == [
        (sara, "unaccompanied_care_costs", "2023-10-01/2023-12-31")
    ]


@pytest.mark.django_db
def test_a_sent_claim_is_no_longer_due_and_its_history_records_each_change(register) -> None:  # type: ignore[no-untyped-def]
    from helhetsbild.register.models import Person

    controller = make_user(Role.CONTROLLER)
    person = Person.objects.get(pseudonym=pseudonym(parse_personnummer(COHORT[0])))
    period = (D(2024, 5, 10), D(2024, 5, 10))
    claim_save(
        controller,
        person=person,
        type_code="empty_rent",
        period=period,
        deadline=D(2025, 5, 10),
        rule="tomhyra-till-2024-06",
        values={"amount_applied": 8200, "sent_on": D(2025, 4, 1)},
    )
    claim_save(
        controller,
        person=person,
        type_code="empty_rent",
        period=period,
        deadline=D(2025, 5, 10),
        rule="tomhyra-till-2024-06",
        values={"decision": Decision.PARTLY, "amount_paid": 6000, "paid_on": D(2025, 6, 2)},
    )

    rows = json.loads(run("due", "--days", "30", "--format", "json", "--date", "2025-04-20"))
    assert person.pseudonym not in {row["person"] for row in rows}
    claim = Claim.objects.get()
    assert (claim.amount_applied, claim.decision, claim.amount_paid) == (8200, "partly", 6000)
    history = [change.changes for change in ClaimChange.objects.filter(claim=claim)]
    assert history[0]["amount_applied"] == ["", "8200"] and "skapad" in history[0]
    assert history[1] == {
        "decision": ["", "partly"],
        "amount_paid": ["", "6000"],
        "paid_on": ["", "2025-06-02"],
    }
    with pytest.raises(ValueError):
        ClaimChange.objects.first().save()  # type: ignore[union-attr]


@pytest.mark.django_db
def test_claims_remind_mails_the_controllers(register) -> None:  # type: ignore[no-untyped-def]
    controller = make_user(Role.CONTROLLER)
    controller.email = "ekonomi@kommun.example"
    controller.save()
    make_user(Role.READER)

    output = run("remind", "--days", "30", "--date", "2025-04-20")

    assert "1 mottagare" in output
    [message] = mail.outbox
    assert message.to == ["ekonomi@kommun.example"]
    assert "2025-05-10" in message.body and "okänt" in message.body
    assert "5 ansökningar" in message.subject
    assert COHORT[0] not in message.body and COHORT[0][:8] not in message.body
