"""The hash chain that makes the access log tamper-evident, as pure functions on plain values.

Each entry's hash covers its own content and the hash of the entry before it, so changing,
removing or inserting one entry breaks every link after it. The canonical form is sorted,
compact JSON in UTF-8 with the time in UTC to the microsecond: the same bytes whichever database
stored the row. It is a contract: entries already written were hashed in this form.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

# The "previous hash" of the first entry ever written.
GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    """One access event as the chain sees it."""

    sequence: int
    at: dt.datetime
    user_id: int
    username: str
    action: str
    pseudonym: str
    committee_code: str
    purpose: str
    detail: str
    previous_hash: str
    entry_hash: str = ""


# The model's field names, in the order of `Entry`: a query's values_list builds entries directly.
ENTRY_FIELDS = tuple(Entry.__dataclass_fields__)


@dataclass(frozen=True)
class Link:
    """A point on the chain: an entry's sequence number and hash."""

    sequence: int
    hash: str


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: Entry) -> bytes:
    content = {
        "sequence": entry.sequence,
        "at": utc_text(entry.at),
        "user_id": entry.user_id,
        "username": entry.username,
        "action": entry.action,
        "pseudonym": entry.pseudonym,
        "committee_code": entry.committee_code,
        "purpose": entry.purpose,
        "detail": entry.detail,
        "previous_hash": entry.previous_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest(entry: Entry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


class Fault(StrEnum):
    CHANGED = "changed"
    RELINKED = "relinked"
    MISSING = "missing"
    BEFORE_START = "before_start"
    BEYOND_HEAD = "beyond_head"
    TRUNCATED = "truncated"
    CHECKPOINT = "checkpoint"


@dataclass(frozen=True)
class Break:
    """The first entry at which the chain does not hold, and how."""

    sequence: int
    fault: Fault

    @property
    def explanation(self) -> str:
        n = self.sequence
        return {
            Fault.CHANGED: _(
                "post nr %(n)s har ändrats: innehållet stämmer inte med postens kontrollsumma"
            ),
            Fault.RELINKED: _(
                "post nr %(n)s pekar inte på posten före den: den har lagts in i efterhand, "
                "eller så har posten före den ändrats och fått en ny kontrollsumma"
            ),
            Fault.MISSING: _("post nr %(n)s saknas: den har tagits bort"),
            Fault.BEFORE_START: _(
                "post nr %(n)s ligger före kedjans början (den gallrade delen): "
                "den har lagts in i efterhand"
            ),
            Fault.BEYOND_HEAD: _(
                "post nr %(n)s ligger efter kedjans senast skrivna post: "
                "den har lagts in utanför loggtjänsten"
            ),
            Fault.TRUNCATED: _("post nr %(n)s och de efter den saknas: de har tagits bort"),
            Fault.CHECKPOINT: _(
                "post nr %(n)s har en annan kontrollsumma än när den senast kontrollerades: "
                "kedjan har skrivits om"
            ),
        }[self.fault] % {"n": n}


@dataclass(frozen=True)
class Verdict:
    checked: int
    start: Link
    last: Link
    first_break: Break | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify(
    entries: Iterable[Entry],
    *,
    start: Link,
    checkpoints: Mapping[int, str],
    read_head: Callable[[], Link],
) -> Verdict:
    """Walk the chain from `start` (the genesis, or the anchor left by the last purge).

    `entries` come in sequence order. `checkpoints` are hashes recorded earlier at given
    sequence numbers (the head as read before the walk, the heads signed off in reviews): each
    must still be on the chain, and the chain must reach the highest of them, which is how a
    removed tail shows. `read_head` is called after the walk, so entries appended meanwhile are
    accepted while an entry beyond the head that the log service never wrote is not.
    """
    previous, checked = start, 0

    def verdict(fault: Fault | None = None, at: int = 0) -> Verdict:
        return Verdict(checked, start, previous, Break(at, fault) if fault else None)

    for entry in entries:
        if entry.sequence <= start.sequence:
            return verdict(Fault.BEFORE_START, entry.sequence)
        if entry.sequence != previous.sequence + 1:
            return verdict(Fault.MISSING, previous.sequence + 1)
        if entry.previous_hash != previous.hash:
            return verdict(Fault.RELINKED, entry.sequence)
        if digest(entry) != entry.entry_hash:
            return verdict(Fault.CHANGED, entry.sequence)
        if checkpoints.get(entry.sequence, entry.entry_hash) != entry.entry_hash:
            return verdict(Fault.CHECKPOINT, entry.sequence)
        previous, checked = Link(entry.sequence, entry.entry_hash), checked + 1
    head = read_head()
    if previous.sequence > head.sequence:
        return verdict(Fault.BEYOND_HEAD, head.sequence + 1)
    if previous.sequence == head.sequence and previous.hash != head.hash:
        return verdict(Fault.CHECKPOINT, head.sequence)
    reached = max((s for s in checkpoints if s > start.sequence), default=start.sequence)
    if previous.sequence < reached:
        return verdict(Fault.TRUNCATED, previous.sequence + 1)
    return verdict()
