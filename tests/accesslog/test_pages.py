"""The log pages through Django's test client: who may open them, the review's filters, the
monthly sample and its sign-off, and a data subject's report."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent, ReviewSignoff
from helhetsbild.accesslog.services import access_event_record, review_signoff_create
from helhetsbild.operations.keyring import Keyring
from helhetsbild.operations.models import FormerPseudonym, KeyRotation
from helhetsbild.organisation.models import Role
from helhetsbild.register.identity import encrypt, encrypt_text, parse_personnummer, pseudonym
from helhetsbild.register.models import Person
from tests.accesslog.support import clock
from tests.factories import caseworker, make_user, personnummer
from tests.web.world import ANNA, BERIT, make_world

pytestmark = pytest.mark.django_db

ANNA_P = pseudonym(parse_personnummer(ANNA))
BERIT_P = pseudonym(parse_personnummer(BERIT))


@pytest.fixture
def world(committees, tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_world(committees, tmp_path)


@pytest.fixture
def admin(committees):  # type: ignore[no-untyped-def]
    return make_user(Role.ADMIN, username="systemforvaltare")


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def viewed(user, person: str, committee: str = "SN", purpose: str = "handläggning") -> AccessEvent:  # type: ignore[no-untyped-def]
    return access_event_record(
        actor=user,
        action=events.PERSON_VIEWED,
        pseudonym=person,
        committee_code=committee,
        purpose=purpose,
    )


def last_month() -> dt.date:
    """The month before this one, so that it has ended whenever the test runs."""
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


PAGES = [
    ("accesslog:review", []),
    ("accesslog:subject_report", []),
    ("accesslog:month", [2026, 10]),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ANALYST, Role.CONTROLLER, Role.READER])
def test_only_an_admin_opens_the_person_level_pages(committees, admin, name, args, role) -> None:  # type: ignore[no-untyped-def]
    url = reverse(name, args=args)
    assert client_for(make_user(role, committees["SN"])).get(url).status_code == 403
    assert client_for(admin).get(url).status_code == 200
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_auditors_see_that_the_review_is_done_but_no_entries(committees, admin) -> None:  # type: ignore[no-untyped-def]
    url = reverse("accesslog:samples")
    viewed(caseworker(committees["SN"]), ANNA_P)
    reader = client_for(make_user(Role.READER)).get(url)
    assert reader.status_code == 200 and "Inte granskad" in reader.text
    assert reverse("accesslog:month", args=[2026, 11])[:-4] not in reader.text
    assert ANNA_P[:10] not in reader.text
    assert client_for(admin).get(url).status_code == 200
    assert client_for(caseworker(committees["SN"])).get(url).status_code == 403


def test_the_review_lists_the_log_newest_first(committees, admin) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(committees["SN"])
    viewed(user, ANNA_P), viewed(user, BERIT_P)
    response = client_for(admin).get(reverse("accesslog:review"))
    assert response.status_code == 200 and "2 poster" in response.text
    text = response.text
    assert text.index(BERIT_P[:10]) < text.index(ANNA_P[:10])
    assert ANNA_P not in text  # the short form only
    assert response["Cache-Control"] == "no-store"


def test_the_review_filters_by_user_committee_and_period(committees, admin) -> None:  # type: ignore[no-untyped-def]
    sn, amn = caseworker(committees["SN"]), caseworker(committees["AMN"])
    with clock(dt.datetime(2026, 9, 15, 10, tzinfo=dt.UTC)):
        viewed(sn, ANNA_P)
    with clock(dt.datetime(2026, 10, 15, 10, tzinfo=dt.UTC)):
        viewed(amn, BERIT_P, committee="AMN")
        viewed(sn, BERIT_P)
    client = client_for(admin)
    url = reverse("accesslog:review")

    def shown(**form: str) -> list[str]:
        response = client.post(url, form)
        assert response.status_code == 200, response.text
        return [e.username for e in response.context["page"].object_list]

    assert shown(anvandare=amn.username) == [amn.username]
    assert shown(namnd="SN") == [sn.username, sn.username]
    assert shown(fran="2026-10-01", till="2026-10-31") == [sn.username, amn.username]
    assert shown(till="2026-09-15") == [sn.username]
    assert not AccessEvent.objects.filter(action=events.ACCESS_LOG_PERSON_FILTERED).exists()
    response = client.post(url, {"fran": "2026-10-02", "till": "2026-10-01"})
    assert "Slutdatumet ligger före startdatumet." in response.text
    assert "page" not in response.context


def test_filtering_by_personnummer_goes_by_post_and_is_logged(world, admin) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(world["SN"])
    viewed(user, ANNA_P), viewed(user, BERIT_P)
    response = client_for(admin).post(reverse("accesslog:review"), {"person": ANNA})
    assert response.status_code == 200
    assert [e.pseudonym for e in response.context["page"].object_list] == [ANNA_P]
    logged = AccessEvent.objects.get(action=events.ACCESS_LOG_PERSON_FILTERED)
    assert (logged.user, logged.pseudonym, logged.purpose) == (admin, ANNA_P, "logggranskning")
    assert ANNA.replace("-", "") not in logged.detail and ANNA not in logged.detail


def test_filtering_by_the_pseudonym_shown_on_the_page(committees, admin) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(committees["SN"])
    viewed(user, ANNA_P), viewed(user, BERIT_P)
    client = client_for(admin)
    url = reverse("accesslog:review")
    response = client.post(url, {"person": ANNA_P[:10]})
    assert [e.pseudonym for e in response.context["page"].object_list] == [ANNA_P]
    unknown = client.post(url, {"person": "0123456789"})
    assert "Ingen post i loggen gäller en pseudonym som börjar så." in unknown.text
    too_short = client.post(url, {"person": ANNA_P[:9]})
    assert "minst tio tecken" in too_short.text
    wrong_check_digit = client.post(url, {"person": ANNA[:-1] + str((int(ANNA[-1]) + 1) % 10)})
    assert "kontrollsiffran stämmer inte" in wrong_check_digit.text
    assert AccessEvent.objects.filter(action=events.ACCESS_LOG_PERSON_FILTERED).count() == 1


def test_the_review_pages_by_post_keeping_the_filter(committees, admin) -> None:  # type: ignore[no-untyped-def]
    """Later pages carry the filter (the pseudonym, never the personnummer) and the entry the
    result ends at, so the reviewer's own logged filtering does not shift them."""
    user = caseworker(committees["SN"])
    for _ in range(55):
        viewed(user, ANNA_P)
    viewed(user, BERIT_P)
    client = client_for(admin)
    first = client.post(reverse("accesslog:review"), {"person": ANNA_P[:12]})
    assert "Sida 1 av 2" in first.text and 'name="sida" value="2"' in first.text
    assert "till och med post nr 56" in first.text
    paging = dict(first.context["paging"])
    assert paging["person"] == ANNA_P and paging["per_nr"] == 56
    second = client.post(reverse("accesslog:review"), {**paging, "sida": "2"})
    assert [e.sequence for e in second.context["page"].object_list] == list(range(5, 0, -1))
    assert AccessEvent.objects.filter(action=events.ACCESS_LOG_PERSON_FILTERED).count() == 2


def month_with_entries(committees) -> dt.date:  # type: ignore[no-untyped-def]
    """Last month: a caseworker of SN views persons of SN by day and one of AMN at night."""
    month = last_month()
    user = caseworker(committees["SN"])
    tuesday = month + dt.timedelta(days=(1 - month.weekday()) % 7)
    day = timezone.make_aware(dt.datetime.combine(tuesday, dt.time(10)))
    for n in range(30):
        with clock(day + dt.timedelta(minutes=n * 10)):
            viewed(user, f"{n:064x}")
    with clock(timezone.make_aware(dt.datetime.combine(tuesday, dt.time(23)))):
        viewed(user, "f" * 64, committee="AMN")
    return month


def test_the_monthly_sample_shows_why_each_entry_was_drawn(committees, admin) -> None:  # type: ignore[no-untyped-def]
    month = month_with_entries(committees)
    url = reverse("accesslog:month", args=[month.year, month.month])
    response = client_for(admin).get(url)
    assert response.status_code == 200
    drawn = response.context["sample"].drawn
    assert len(drawn) >= 10
    night = next(entry for entry in drawn if entry.sequence == 31)
    assert {str(reason) for reason in night.reasons} >= {"outside_committee", "off_hours"}
    assert "Utanför kontorstid (vardagar 07–18)" in response.text
    assert "Person i en annan nämnds uppgifter" in response.text
    assert client_for(admin).get(url).context["sample"].drawn == drawn  # drawn the same again


def test_the_reviewer_signs_off_the_sample(committees, admin) -> None:  # type: ignore[no-untyped-def]
    month = month_with_entries(committees)
    url = reverse("accesslog:month", args=[month.year, month.month])
    client = client_for(admin)
    drawn = [entry.sequence for entry in client.get(url).context["sample"].drawn]

    refused = client.post(url, {"granskade": drawn[:2], "kommentar": f"Se {ANNA}"})
    assert "Skriv inte personnummer i kommentaren." in refused.text
    assert not ReviewSignoff.objects.exists()

    signed = client.post(url, {"granskade": drawn[:2], "kommentar": "Nattvisningen utreds."})
    assert signed.status_code == 302
    signoff = ReviewSignoff.objects.get()
    assert (signoff.month, signoff.reviewed, signoff.reviewed_by) == (month, drawn[:2], admin)
    assert [entry["sequence"] for entry in signoff.sample] == drawn
    event = AccessEvent.objects.get(action=events.ACCESS_LOG_SIGNED_OFF)
    assert (signoff.head_sequence, signoff.head_hash) == (event.sequence, event.entry_hash)
    assert event.detail == f"{month:%Y-%m}: 2 av {len(drawn)} poster granskade"

    page = client.get(url)
    assert "Nattvisningen utreds." in page.text and "Signera granskningen" not in page.text
    assert client.post(url, {"granskade": drawn, "kommentar": "igen"}).status_code == 200
    assert ReviewSignoff.objects.count() == 1
    index = client_for(make_user(Role.READER)).get(reverse("accesslog:samples"))
    assert f"2 av {len(drawn)} poster granskade" in index.text
    assert "Nattvisningen" not in index.text


def test_the_service_signs_off_only_an_ended_month_and_only_its_sample(committees, admin) -> None:  # type: ignore[no-untyped-def]
    def sign(actor, month: dt.date, reviewed: list[int]) -> None:  # type: ignore[no-untyped-def]
        review_signoff_create(actor=actor, month=month, sample=[], reviewed=reviewed, comment="")

    with pytest.raises(ValueError, match="ended"):
        sign(admin, timezone.localdate(), [])
    with pytest.raises(ValueError, match="only entries of the sample"):
        sign(admin, last_month(), [1])
    with pytest.raises(PermissionDenied):
        sign(make_user(Role.READER), last_month(), [])
    assert not ReviewSignoff.objects.exists()


def test_the_current_month_is_not_sampled_before_it_ends(committees, admin) -> None:  # type: ignore[no-untyped-def]
    viewed(caseworker(committees["SN"]), ANNA_P)
    today = timezone.localdate()
    response = client_for(admin).get(reverse("accesslog:month", args=[today.year, today.month]))
    assert "Månaden är inte slut än." in response.text
    assert response.context["sample"].drawn == [] and "Signera" not in response.text


def test_a_month_that_does_not_exist_is_not_found(admin) -> None:  # type: ignore[no-untyped-def]
    assert client_for(admin).get("/logg/stickprov/2026/13/").status_code == 404


def test_who_has_looked_at_me_lists_every_access_to_the_person(world, admin) -> None:  # type: ignore[no-untyped-def]
    sn = caseworker(world["SN"])
    viewed(sn, ANNA_P, purpose="handläggning")
    viewed(sn, BERIT_P)
    access_event_record(
        actor=make_user(Role.ANALYST),
        action=events.JOURNEY_OPENED,
        pseudonym=ANNA_P,
        purpose="uppföljning",
    )
    response = client_for(admin).post(
        reverse("accesslog:subject_report"), {"personnummer": ANNA, "format": "sida"}
    )
    assert response.status_code == 200
    found = response.context["found"]
    assert [e.action for e in found] == [
        events.PERSON_VIEWED,
        events.JOURNEY_OPENED,
        events.SUBJECT_REPORT_VIEWED,
    ]
    assert "Öppnade en enskild pseudonymiserad resa" in response.text
    assert BERIT_P[:10] not in response.text
    logged = AccessEvent.objects.get(action=events.SUBJECT_REPORT_VIEWED)
    assert (logged.user, logged.pseudonym) == (admin, ANNA_P)
    assert logged.purpose == "begäran från den registrerade"


def test_the_report_includes_the_persons_earlier_samordningsnummer(committees, admin) -> None:  # type: ignore[no-untyped-def]
    number = parse_personnummer(personnummer("19800202", "981"))
    earlier = parse_personnummer(personnummer("19800202", "981", coordination=True))
    now_person = Person.objects.create(
        pseudonym=pseudonym(number), personnummer_encrypted=encrypt(number)
    )
    Person.objects.create(
        pseudonym=pseudonym(earlier),
        personnummer_encrypted=encrypt(earlier),
        is_coordination_number=True,
        successor=now_person,
    )
    viewed(caseworker(committees["SN"]), pseudonym(earlier))
    response = client_for(admin).post(
        reverse("accesslog:subject_report"), {"personnummer": str(number)}
    )
    assert [e.pseudonym for e in response.context["found"]] == [
        pseudonym(earlier),
        pseudonym(number),
    ]


def test_the_report_and_the_review_find_entries_under_a_pseudonym_a_rotation_retired(
    world, admin
) -> None:  # type: ignore[no-untyped-def]
    """Key rotation leaves the log as written (docs/adr/0009): the old entries are found through
    the person's former pseudonyms, from the personnummer and from the old pseudonym alike."""
    retired = "b" * 64
    rotation = KeyRotation.objects.create(
        started_at=timezone.now(),
        previous_pseudonym_key_id="a",
        previous_encryption_key_id="a",
        pseudonym_key_id="b",
        encryption_key_id="b",
    )
    FormerPseudonym.objects.create(
        person=Person.objects.get(pseudonym=ANNA_P),
        rotation=rotation,
        pseudonym_encrypted=encrypt_text(retired),
        pseudonym_digest=Keyring.current().former_digest(retired),
    )
    user = caseworker(world["SN"])
    viewed(user, retired), viewed(user, ANNA_P), viewed(user, BERIT_P)
    client = client_for(admin)
    report = client.post(reverse("accesslog:subject_report"), {"personnummer": ANNA})
    assert [e.pseudonym for e in report.context["found"]] == [retired, ANNA_P, ANNA_P]
    review = client.post(reverse("accesslog:review"), {"person": retired[:10]})
    assert [e.sequence for e in review.context["page"].object_list] == [4, 2, 1]  # 4: the report


def test_the_report_downloads_as_csv_named_without_the_personnummer(world, admin) -> None:  # type: ignore[no-untyped-def]
    viewed(caseworker(world["SN"]), ANNA_P, purpose="=HYPERLINK()")
    response = client_for(admin).post(
        reverse("accesslog:subject_report"), {"personnummer": ANNA, "format": "csv"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert (
        disposition.startswith('attachment; filename="vem-har-tittat-')
        and ANNA[:8] not in disposition
    )
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["tid", "användare", "namn", "händelse", "nämnd", "syfte"]
    assert lines[1][1:] == [
        "caseworker-sn",
        "Test caseworker",
        "Visade en identifierad person",
        "SN",
        "'=HYPERLINK()",
    ]
    assert lines[2][3] == "Laddade ner en registrerads utdrag ur åtkomstloggen"
    assert (
        AccessEvent.objects.filter(
            action=events.SUBJECT_REPORT_DOWNLOADED, pseudonym=ANNA_P
        ).count()
        == 1
    )


def test_an_invalid_personnummer_gives_no_report_and_no_log(admin) -> None:  # type: ignore[no-untyped-def]
    response = client_for(admin).post(reverse("accesslog:subject_report"), {"personnummer": "1990"})
    assert response.status_code == 200 and response.context["found"] is None
    assert "Personnumret ska ha 12 siffror" in response.text
    assert not AccessEvent.objects.exists()
