"""Secrecy between committees at the data level (OSL 26 kap. 1 §; ASVS 5.0 8.2.2): SN's
caseworker guessing the ids of KS's persons, records, import reports, quarantine rows and files
gets what a missing id gets, through pages, htmx requests, downloads and the API.

Bo is known to KS alone (tests/security/world.py); Anna to every committee. Each refusal is
checked beside the same request by KS's caseworker, who is let in, so that no test passes
because the URL was wrong.
"""

import io
import re
import zipfile

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from helhetsbild.imports.models import ImportBatch, QuarantineRow
from helhetsbild.organisation.models import Committee
from helhetsbild.register.identity import parse_personnummer, pseudonym
from helhetsbild.register.models import Person
from helhetsbild.register.selectors import record_models
from tests.analysis.small_register import ANNA, BO
from tests.factories import TODAY, personnummer
from tests.security.routes import routes
from tests.security.world import OTHER, OWN, Who, World, parameters

pytestmark = pytest.mark.django_db

MISSING = 999_999
HTMX = {"HX-Request": "true"}
# A number no committee has registered, for comparing with Bo's.
NOBODYS = personnummer("19770707", "983")
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def caseworker_of(world: World, code: str) -> Client:
    client = Client()
    client.force_login(world.users[Who.CASEWORKER if code == OWN else Who.CASEWORKER_OTHER])
    return client


def comparable(response: HttpResponse) -> bytes:
    """The answer with the one part that differs between any two requests, the CSRF token."""
    return _CSRF.sub(b"", response.content)


def _urls_of_own_objects(world: World) -> dict[str, tuple[str, str]]:
    """Each of KS's objects, by URL name: the URL with its id and the same URL with an id that
    does not exist."""
    bo, batch = world.persons.bo, world.batches[OWN].pk
    row = world.quarantine[OWN].pk
    return {
        "person under KS": (f"/register/{OWN}/person/{bo}/", f"/register/{OWN}/person/{MISSING}/"),
        "person under SN": (
            f"/register/{OTHER}/person/{bo}/",
            f"/register/{OTHER}/person/{MISSING}/",
        ),
        "register of KS": (f"/register/{OWN}/", "/register/FINNS-INTE/"),
        "import report": (f"/import/omgang/{batch}/", f"/import/omgang/{MISSING}/"),
        "import report CSV": (
            f"/import/omgang/{batch}/rapport.csv",
            f"/import/omgang/{MISSING}/rapport.csv",
        ),
        "quarantine CSV": (
            f"/import/omgang/{batch}/karantan.csv",
            f"/import/omgang/{MISSING}/karantan.csv",
        ),
        "quarantine row": (f"/import/karantan/{row}/", f"/import/karantan/{MISSING}/"),
    }


OBJECTS = [
    "person under KS",
    "person under SN",
    "register of KS",
    "import report",
    "import report CSV",
    "quarantine CSV",
    "quarantine row",
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("what", OBJECTS)
def test_another_committees_object_looks_like_a_missing_one(
    world: World, what: str, htmx: bool
) -> None:
    found, missing = _urls_of_own_objects(world)[what]
    headers = HTMX if htmx else {}
    other = caseworker_of(world, OTHER)

    theirs = other.get(found, headers=headers)
    nothing = other.get(missing, headers=headers)

    assert theirs.status_code == nothing.status_code == 404
    assert comparable(theirs) == comparable(nothing)
    if what != "person under SN":  # KS's own caseworker reaches it under KS's code only
        assert caseworker_of(world, OWN).get(found, headers=headers).status_code == 200


@pytest.mark.parametrize("what", ["quarantine row", "person search"])
def test_a_post_about_another_committees_object_is_refused_alike(world: World, what: str) -> None:
    other = caseworker_of(world, OTHER)
    if what == "quarantine row":
        found, missing = _urls_of_own_objects(world)[what]
        body = {"personnummer": BO}
        theirs, nothing = other.post(found, body), other.post(missing, body)
        assert theirs.status_code == nothing.status_code == 404
        assert comparable(theirs) == comparable(nothing)
        assert QuarantineRow.objects.get(pk=world.quarantine[OWN].pk).state == "open"
    else:
        url = reverse("register:persons", args=[OTHER])
        theirs, nothing = (
            other.post(url, {"personnummer": BO}),
            other.post(url, {"personnummer": NOBODYS}),
        )
        assert theirs.status_code == nothing.status_code == 200  # the form again, no redirect
        assert "Nämnden har inga uppgifter" in theirs.content.decode()
        assert _without_numbers(theirs) == _without_numbers(nothing)
        own = caseworker_of(world, OWN).post(
            reverse("register:persons", args=[OWN]), {"personnummer": BO}
        )
        assert own.status_code == 302


def test_guessing_every_id_reaches_only_the_committees_own(world: World) -> None:
    """All ids of the world, not only KS's: whatever SN's caseworker tries, only SN's own
    objects answer."""
    other = caseworker_of(world, OTHER)
    sn = world.committees[OTHER]
    sn_persons = set(
        Person.objects.filter(pk__in=_owned_person_ids(sn)).values_list("pk", flat=True)
    )
    for person in Person.objects.all():
        status = other.get(f"/register/{OTHER}/person/{person.pk}/").status_code
        assert status == (200 if person.pk in sn_persons else 404), person.pk
    for batch in ImportBatch.objects.all():
        for suffix in ("", "rapport.csv", "karantan.csv"):
            status = other.get(f"/import/omgang/{batch.pk}/{suffix}").status_code
            assert status == (200 if batch.committee == sn else 404), (batch.pk, suffix)
    for row in QuarantineRow.objects.all():
        status = other.get(f"/import/karantan/{row.pk}/").status_code
        assert status == (200 if row.batch.committee == sn else 404), row.pk


def test_a_person_known_to_both_shows_only_the_viewers_records(world: World) -> None:
    """Anna: SN sees its payments, not KS's permits or AMN's job; KS the reverse."""
    anna = world.persons.anna
    sn_page = caseworker_of(world, OTHER).get(f"/register/{OTHER}/person/{anna}/")
    ks_page = caseworker_of(world, OWN).get(f"/register/{OWN}/person/{anna}/")
    assert sn_page.status_code == ks_page.status_code == 200
    sn_text, ks_text = sn_page.content.decode(), ks_page.content.decode()
    kses = ["Anhörig", "Skyddsbehövande", "Andrahandskontrakt", "H-KS"]  # permits, lease, payment
    amns = ["Lagerarbetare"]  # AMN's episode
    sns = ["3000.00", "H-SN"]  # SN's payments
    assert all(word in ks_text and word not in sn_text for word in kses)
    assert all(word in sn_text and word not in ks_text for word in sns)
    assert all(word not in sn_text and word not in ks_text for word in amns)


def test_lists_show_nothing_of_another_committee(world: World) -> None:
    ks, sn = caseworker_of(world, OWN), caseworker_of(world, OTHER)
    bo_masked = parse_personnummer(BO, today=TODAY).masked
    assert bo_masked in ks.get(f"/register/{OWN}/").content.decode()
    assert bo_masked not in sn.get(f"/register/{OTHER}/").content.decode()
    for url in ("/import/historik/", "/import/karantan/"):
        own_page, other_page = ks.get(url).content.decode(), sn.get(url).content.decode()
        assert "karantan-KS.csv" in own_page or f"{world.quarantine[OWN].pk}" in own_page
        assert "karantan-KS.csv" not in other_page
        assert f"/import/omgang/{world.batches[OWN].pk}/" not in other_page
        assert f"/import/karantan/{world.quarantine[OWN].pk}/" not in other_page


def test_nothing_sn_can_open_mentions_a_person_only_ks_knows(world: World) -> None:
    """Every GET URL of the project with KS's objects and with SN's, as SN's caseworker, pages
    with and without the htmx header and downloads unpacked: not one form of Bo's identity."""
    other = caseworker_of(world, OTHER)
    secrets = _identity_forms(BO)
    sn_world = _with_sn_objects(world)
    checked = 0
    for route in routes():
        if route.key.startswith("admin") or route.key.startswith("api:"):
            continue
        for values in (parameters(route, world), sn_world(route)):
            path = route.path(values)
            for headers in ({}, HTMX):
                response = other.get(path, headers=headers)
                assert response.status_code < 500, path
                text = _readable(response)
                leaked = [secret for secret in secrets if secret in text]
                assert not leaked, (path, leaked)
                checked += 1
    assert checked > 100
    # The same search finds Bo where KS's caseworker looks, so it can fail.
    ks = caseworker_of(world, OWN)
    number, masked = str(parse_personnummer(BO, today=TODAY)), secrets[4]
    assert number in _readable(ks.get(f"/register/{OWN}/person/{world.persons.bo}/"))
    assert masked in _readable(ks.get(f"/register/{OWN}/"))


def test_the_api_acts_as_its_user_and_holds_no_person(world: World) -> None:
    """A caseworker's key reads what a reader's reads: aggregates, the same for everyone, with
    nothing of any person in them; no API URL takes a person, a committee or a batch."""
    secrets = _identity_forms(BO) + _identity_forms(ANNA)
    answers = {}
    for who in (Who.CASEWORKER_OTHER, Who.READER):
        client = Client(headers={"Authorization": f"Bearer {world.keys[who]}"})
        for route in routes():
            if route.key.startswith("api:"):
                response = client.get(route.path(parameters(route, world)))
                assert response.status_code == 200, route.key
                text = response.content.decode()
                assert not [secret for secret in secrets if secret in text], route.key
                answers[who, route.key] = response.json()
        assert {"person_id", "committee_code", "batch_id", "row_id"}.isdisjoint(
            name for route in routes() if route.key.startswith("api:") for name in route.parameters
        )
    for key in {key for _who, key in answers}:
        assert answers[Who.CASEWORKER_OTHER, key] == answers[Who.READER, key], key


def test_a_key_stops_with_its_users_role_and_account(world: World) -> None:
    url = reverse("api:results")
    key = {"Authorization": f"Bearer {world.keys[Who.CASEWORKER_OTHER]}"}
    user = world.users[Who.CASEWORKER_OTHER]
    assert Client(headers=key).get(url).status_code == 200
    user.memberships.all().delete()
    assert Client(headers=key).get(url).status_code == 403
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client(headers=key).get(url).status_code == 401


def _owned_person_ids(committee: Committee) -> set[int]:
    found: set[int] = set()
    for _label, model in record_models():
        found |= set(
            model._default_manager.filter(committee=committee).values_list("person_id", flat=True)
        )
    return found


def _with_sn_objects(world: World):  # type: ignore[no-untyped-def]
    def values(route):  # type: ignore[no-untyped-def]
        found = parameters(route, world)
        found.update(
            committee_code=OTHER,
            person_id=world.persons.anna,
            batch_id=world.batches[OTHER].pk,
            row_id=world.quarantine[OTHER].pk,
        )
        return found

    return values


def _identity_forms(number: str) -> list[str]:
    parsed = parse_personnummer(number, today=TODAY)
    digits = parsed.digits
    person = Person.objects.get(pseudonym=pseudonym(parsed))
    return [
        str(parsed),
        digits,
        digits[2:],
        f"{digits[2:8]}-{digits[8:]}",
        parsed.masked,
        person.pseudonym,
        person.short_pseudonym,
    ]


def _readable(response: HttpResponse) -> str:
    """The text of a page or file; a spreadsheet or document is unpacked first."""
    content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


def _without_numbers(response: HttpResponse) -> bytes:
    """The answer to a search without the number searched for, which the form echoes."""
    return re.sub(rb'value="[0-9-]+"', b"", comparable(response))
