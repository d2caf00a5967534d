"""Reads of the access log: the review, the monthly sample, a person's report, verification.

Whoever reads the log about a named person leaves an entry of their own: filtering the review by
person and answering a data subject are both logged, in the same transaction as the read.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.accesslog import events
from helhetsbild.accesslog.chain import ENTRY_FIELDS, Entry, Link, Verdict, verify
from helhetsbild.accesslog.models import AccessEvent, LogChain, ReviewSignoff
from helhetsbild.accesslog.sampling import (
    Candidate,
    HomeCommittees,
    SampledEntry,
    draw,
    local_midnight,
    month_bounds,
)
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.operations.selectors import former_pseudonyms, person_of_former_pseudonym
from helhetsbild.organisation.models import Membership
from helhetsbild.organisation.permissions import COMMITTEE_BOUND_ROLES, Action, Viewer, can
from helhetsbild.register.identity import Personnummer, pseudonym
from helhetsbild.register.models import Person

REVIEW_PURPOSE = "logggranskning"
SUBJECT_PURPOSE = "begäran från den registrerade"


class UnknownPerson(ValueError):
    """Carries the Swedish reason a pseudonym prefix does not name exactly one person."""


def _require(user: Viewer, action: Action) -> None:
    if not can(user, action):
        raise PermissionDenied


def log_head() -> Link:
    chain = LogChain.objects.filter(pk=1).first()
    return chain.head if chain else Link(0, "")


# --- the review --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewFilter:
    username: str = ""
    pseudonyms: tuple[str, ...] = ()
    committee_code: str = ""
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    # The log as it stood at this entry: every page of one review shows the same entries.
    upto: int | None = None


def identity_pseudonyms(own: str) -> tuple[str, ...]:
    """`own` first, then every other pseudonym the same person has had: those of the person's
    other numbers (a samordningsnummer that became a personnummer is one person) and those that
    key rotations retired (docs/adr/0009)."""
    person = Person.objects.filter(pseudonym=own).first() or person_of_former_pseudonym(own)
    if person is None:
        return (own,)
    while person.successor_id is not None:
        person = Person.objects.get(pk=person.successor_id)
    group, frontier = {person.pk: person}, [person.pk]
    while frontier:
        linked = list(Person.objects.filter(successor_id__in=frontier).exclude(pk__in=group))
        group.update((other.pk, other) for other in linked)
        frontier = [other.pk for other in linked]
    names = {p.pseudonym for p in group.values()}
    names.update(former for p in group.values() for former in former_pseudonyms(p))
    return (own, *sorted(names - {own}))


def pseudonyms_of(person: Personnummer | str) -> tuple[str, ...]:
    """A personnummer, a whole pseudonym, or the start of one as the pages show it."""
    if isinstance(person, Personnummer):
        return identity_pseudonyms(pseudonym(person))
    if len(person) == 64:
        return identity_pseudonyms(person)
    found = list(
        AccessEvent.objects.filter(pseudonym__startswith=person)
        .values_list("pseudonym", flat=True)
        .distinct()
        .order_by("pseudonym")[:2]
    )
    if not found:
        raise UnknownPerson(_("Ingen post i loggen gäller en pseudonym som börjar så."))
    if len(found) > 1:
        raise UnknownPerson(_("Flera pseudonymer börjar så. Skriv fler tecken."))
    return identity_pseudonyms(found[0])


def events_for_review(user: User, filters: ReviewFilter) -> tuple[QuerySet[AccessEvent], int]:
    """The log up to `filters.upto` (or as it stands), newest first, narrowed by `filters`, and
    the entry it ends at. A filter on a person is itself logged, after that entry."""
    _require(user, Action.ACCESS_LOG_REVIEW)
    found = AccessEvent.objects.all()
    if filters.username:
        found = found.filter(username=filters.username)
    if filters.pseudonyms:
        found = found.filter(pseudonym__in=filters.pseudonyms)
    if filters.committee_code:
        found = found.filter(committee_code=filters.committee_code)
    if filters.first_day:
        found = found.filter(at__gte=local_midnight(filters.first_day))
    if filters.last_day:
        found = found.filter(at__lt=local_midnight(filters.last_day + dt.timedelta(days=1)))
    upto = filters.upto if filters.upto is not None else log_head().sequence
    if filters.pseudonyms:
        with transaction.atomic():
            logged = access_event_record(
                actor=user,
                action=events.ACCESS_LOG_PERSON_FILTERED,
                pseudonym=filters.pseudonyms[0],
                purpose=REVIEW_PURPOSE,
            )
        upto = min(upto, logged.sequence - 1)
    return found.filter(sequence__lte=upto).order_by("-sequence"), upto


# --- the monthly sample ------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthStatus:
    month: dt.date
    entries: int
    signoff: ReviewSignoff | None


def review_months(user: Viewer) -> list[MonthStatus]:
    """Every month the log holds or a review covers, newest first: for auditors too."""
    _require(user, Action.ACCESS_LOG_OVERSIGHT)
    counts = {
        timezone.localtime(row["month"]).date(): row["entries"]
        for row in AccessEvent.objects.annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(entries=Count("id"))
        .order_by()
    }
    signoffs = {s.month: s for s in ReviewSignoff.objects.select_related("reviewed_by")}
    return [
        MonthStatus(month, counts.get(month, 0), signoffs.get(month))
        for month in sorted(counts.keys() | signoffs.keys(), reverse=True)
    ]


@dataclass(frozen=True)
class SampleRow:
    drawn: SampledEntry
    event: AccessEvent | None  # None when the entry has since been purged


@dataclass(frozen=True)
class MonthSample:
    month: dt.date
    ended: bool
    entries: int
    rows: list[SampleRow]
    signoff: ReviewSignoff | None

    @property
    def drawn(self) -> list[SampledEntry]:
        return [row.drawn for row in self.rows]


def month_sample(user: User, month: dt.date, now: dt.datetime | None = None) -> MonthSample:
    """The month's sample as signed off, or as drawn now if no one has signed it off yet.

    A month is sampled once it has ended; its seed is the month and the hash of its last entry,
    which no one can know, or steer, before the month is over.
    """
    _require(user, Action.ACCESS_LOG_REVIEW)
    month = month.replace(day=1)
    start, end = month_bounds(month)
    in_month = AccessEvent.objects.filter(at__gte=start, at__lt=end)
    signoff = ReviewSignoff.objects.select_related("reviewed_by").filter(month=month).first()
    ended = (now or timezone.now()) >= end
    if signoff is not None:
        drawn = [SampledEntry.from_record(record) for record in signoff.sample]
    elif ended:
        drawn = _draw(in_month, month)
    else:
        drawn = []
    found = AccessEvent.objects.in_bulk([entry.sequence for entry in drawn], field_name="sequence")
    rows = [SampleRow(entry, found.get(entry.sequence)) for entry in drawn]
    return MonthSample(month, ended, in_month.count(), rows, signoff)


def _draw(in_month: QuerySet[AccessEvent], month: dt.date) -> list[SampledEntry]:
    last = in_month.order_by("-sequence").values_list("entry_hash", flat=True).first()
    if last is None:
        return []
    candidates = [
        Candidate(sequence, timezone.localtime(at), user_id, action, pseudonym, committee_code)
        for sequence, at, user_id, action, pseudonym, committee_code in in_month.values_list(
            "sequence", "at", "user_id", "action", "pseudonym", "committee_code"
        )
    ]
    return draw(
        candidates,
        seed=f"{month:%Y-%m}:{last}",
        home_committees=home_committees({c.user_id for c in candidates}),
    )


def home_committees(user_ids: set[int]) -> HomeCommittees:
    """The committees each user works for now; None for a role bound to none (see the policy)."""
    bound: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    unbound: set[int] = set()
    for user_id, role, code in Membership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "role", "committee__code"
    ):
        if role in COMMITTEE_BOUND_ROLES:
            bound[user_id].add(code)
        else:
            unbound.add(user_id)
    return {
        user_id: None if user_id in unbound else frozenset(codes)
        for user_id, codes in bound.items()
    }


# --- a data subject's report -------------------------------------------------------------------


def subject_report(user: User, number: Personnummer, *, download: bool) -> list[AccessEvent]:
    """Every access event about the person, oldest first, this report's own event included."""
    _require(user, Action.ACCESS_LOG_SUBJECT_REPORT)
    pseudonyms = identity_pseudonyms(pseudonym(number))
    with transaction.atomic():
        access_event_record(
            actor=user,
            action=events.SUBJECT_REPORT_DOWNLOADED if download else events.SUBJECT_REPORT_VIEWED,
            pseudonym=pseudonyms[0],
            purpose=SUBJECT_PURPOSE,
        )
        return list(
            AccessEvent.objects.filter(pseudonym__in=pseudonyms)
            .select_related("user")
            .order_by("sequence")
        )


# --- verification ------------------------------------------------------------------------------


def log_verify() -> Verdict:
    """Walk the whole chain from its anchor; see `chain.verify` for what counts as a break."""
    chain = LogChain.objects.filter(pk=1).first() or LogChain()
    checkpoints = dict(ReviewSignoff.objects.values_list("head_sequence", "head_hash"))
    checkpoints[chain.head_sequence] = chain.head_hash
    return verify(
        _entries(),
        start=chain.anchor,
        checkpoints=checkpoints,
        read_head=lambda: (LogChain.objects.filter(pk=1).first() or LogChain()).head,
    )


def _entries() -> Iterator[Entry]:
    rows = AccessEvent.objects.order_by("sequence").values_list(*ENTRY_FIELDS)
    return (Entry(*row) for row in rows.iterator(chunk_size=2000))
