"""A month's sample of the access log to review, drawn partly at random and partly by rules.

IMY asks health care for a written routine that mixes random and systematic selection, and
HSLF-FS 2016:40 for regular, recurring sample checks; Helhetsbild adopts both. The draw is a pure
function of the month's entries and a seed, so the same month gives the same sample whenever it
is drawn. Each rule is capped, so that one busy rule cannot bury the others; changes of
permissions are few and always reviewed.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.accesslog import events


@dataclass(frozen=True)
class Candidate:
    """One entry of the month; `local_at` in the municipality's time zone."""

    sequence: int
    local_at: dt.datetime
    user_id: int
    action: str
    pseudonym: str
    committee_code: str


class Reason(StrEnum):
    RANDOM = "random"
    OUTSIDE_COMMITTEE = "outside_committee"
    BURST = "burst"
    OFF_HOURS = "off_hours"
    PERMISSION_CHANGE = "permission_change"


@dataclass(frozen=True)
class Rules:
    random_count: int = 10
    per_rule: int = 10
    burst_count: int = 20
    burst_window: dt.timedelta = dt.timedelta(minutes=10)
    office_start: int = 7
    office_end: int = 18
    permission_actions: frozenset[str] = field(
        default_factory=lambda: frozenset(
            {
                events.PERMISSION_CHANGED,
                events.MEMBERSHIP_GRANTED,
                events.MEMBERSHIP_REVOKED,
                events.GROUP_MAPPING_CHANGED,
                events.USER_DEACTIVATED,
                events.API_TOKEN_CREATED,
                events.API_TOKEN_REVOKED,
            }
        )
    )

    def label(self, reason: Reason) -> str:
        return {
            Reason.RANDOM: _("Slumpvis utvald"),
            Reason.OUTSIDE_COMMITTEE: _(
                "Person i en annan nämnds uppgifter än de nämnder användaren arbetar för"
            ),
            Reason.BURST: _("Många personer på kort tid: minst %(n)s visningar inom %(m)s minuter")
            % {"n": self.burst_count, "m": int(self.burst_window.total_seconds() // 60)},
            Reason.OFF_HOURS: _("Utanför kontorstid (vardagar %(start)02d–%(end)02d)")
            % {"start": self.office_start, "end": self.office_end},
            Reason.PERMISSION_CHANGE: _("Ändrad behörighet"),
        }[reason]


RULES = Rules()


@dataclass(frozen=True)
class SampledEntry:
    sequence: int
    reasons: tuple[Reason, ...]

    def record(self) -> dict[str, Any]:
        return {"sequence": self.sequence, "reasons": [str(reason) for reason in self.reasons]}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> "SampledEntry":
        return cls(record["sequence"], tuple(Reason(reason) for reason in record["reasons"]))


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month's first moment and the next month's, in the municipality's time zone."""
    first = month.replace(day=1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return local_midnight(first), local_midnight(following)


# A user's home committees; None for a role that is not bound to committees (an analyst).
HomeCommittees = Mapping[int, frozenset[str] | None]


def draw(
    candidates: Iterable[Candidate],
    *,
    seed: str,
    home_committees: HomeCommittees,
    rules: Rules = RULES,
) -> list[SampledEntry]:
    """The sample, in log order, each entry with every reason it was drawn for."""
    ordered = sorted(candidates, key=lambda c: c.sequence)
    person_level = [c for c in ordered if c.pseudonym]
    rng = random.Random(seed)
    reasons: dict[int, list[Reason]] = defaultdict(list)

    def pick(reason: Reason, matches: Sequence[Candidate], cap: int | None) -> None:
        chosen = rng.sample(matches, cap) if cap is not None and len(matches) > cap else matches
        for candidate in chosen:
            reasons[candidate.sequence].append(reason)

    def matching(test: Callable[[Candidate], bool]) -> list[Candidate]:
        return [c for c in person_level if test(c)]

    pick(Reason.RANDOM, ordered, rules.random_count)
    pick(
        Reason.OUTSIDE_COMMITTEE,
        matching(lambda c: _outside_home(c, home_committees)),
        rules.per_rule,
    )
    pick(Reason.BURST, _bursts(person_level, rules), rules.per_rule)
    pick(Reason.OFF_HOURS, matching(lambda c: _off_hours(c, rules)), rules.per_rule)
    pick(
        Reason.PERMISSION_CHANGE, [c for c in ordered if c.action in rules.permission_actions], None
    )
    return [SampledEntry(sequence, tuple(found)) for sequence, found in sorted(reasons.items())]


def _outside_home(candidate: Candidate, home_committees: HomeCommittees) -> bool:
    """A user without any role now counts as bound to no committee: every view stands out."""
    home = home_committees.get(candidate.user_id, frozenset())
    return (
        home is not None and bool(candidate.committee_code) and candidate.committee_code not in home
    )


def _off_hours(candidate: Candidate, rules: Rules) -> bool:
    moment = candidate.local_at
    return moment.weekday() >= 5 or not rules.office_start <= moment.hour < rules.office_end


def _bursts(person_level: Sequence[Candidate], rules: Rules) -> list[Candidate]:
    """Every view that falls in a window of `burst_window` holding `burst_count` views or more
    by the same user."""
    by_user: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in person_level:
        by_user[candidate.user_id].append(candidate)
    flagged: set[int] = set()
    for views in by_user.values():
        views.sort(key=lambda c: (c.local_at, c.sequence))
        first = 0
        for last, view in enumerate(views):
            while view.local_at - views[first].local_at > rules.burst_window:
                first += 1
            if last - first + 1 >= rules.burst_count:
                flagged.update(c.sequence for c in views[first : last + 1])
    return [c for c in person_level if c.sequence in flagged]
