"""The hash chain as pure functions: what each kind of tampering looks like to `verify`."""

import dataclasses
import datetime as dt

import pytest

from helhetsbild.accesslog.chain import GENESIS, Entry, Fault, Link, canonical, digest, verify

START = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
ORIGIN = Link(0, GENESIS)


def chain_of(count: int, start: Link = ORIGIN) -> list[Entry]:
    entries, previous = [], start
    for n in range(start.sequence + 1, start.sequence + count + 1):
        entry = Entry(
            sequence=n,
            at=START + dt.timedelta(minutes=n),
            user_id=7,
            username="handlaggare.sn",
            action="register.person_viewed",
            pseudonym=f"{n:064x}",
            committee_code="SN",
            purpose="handläggning",
            detail="",
            previous_hash=previous.hash,
        )
        entry = dataclasses.replace(entry, entry_hash=digest(entry))
        entries.append(entry)
        previous = Link(n, entry.entry_hash)
    return entries


def head(entries: list[Entry]) -> Link:
    return Link(entries[-1].sequence, entries[-1].entry_hash)


def check(entries: list[Entry], *, start: Link = ORIGIN, recorded: Link, now: Link):  # type: ignore[no-untyped-def]
    """Verify as `log_verify` does: the head read before the walk is a checkpoint."""
    return verify(
        entries, start=start, checkpoints={recorded.sequence: recorded.hash}, read_head=lambda: now
    )


def test_the_canonical_form_is_a_stable_contract() -> None:
    """Entries already written were hashed in this form; changing it breaks every old chain."""
    entry = chain_of(1)[0]
    assert canonical(entry).decode() == (
        '{"action":"register.person_viewed","at":"2026-11-02T08:01:00.000000Z",'
        '"committee_code":"SN","detail":"","previous_hash":"' + GENESIS + '",'
        '"pseudonym":"' + f"{1:064x}" + '","purpose":"handläggning","sequence":1,"user_id":7,'
        '"username":"handlaggare.sn"}'
    )
    assert digest(entry) == "a55f157c1ba658a5b73b0f3a3af55bdd9dff3fef0ac471388696a1bb4157b83f"


def test_the_time_is_hashed_in_utc_whatever_zone_it_comes_in() -> None:
    entry = chain_of(1)[0]
    stockholm = dataclasses.replace(
        entry, at=entry.at.astimezone(dt.timezone(dt.timedelta(hours=1)))
    )
    assert digest(stockholm) == digest(entry)


def test_an_intact_chain_is_intact() -> None:
    entries = chain_of(5)
    verdict = check(entries, recorded=head(entries), now=head(entries))
    assert verdict.intact and verdict.checked == 5 and verdict.last == head(entries)


def test_an_empty_log_is_intact() -> None:
    genesis = Link(0, GENESIS)
    assert check([], recorded=genesis, now=genesis).intact


def changed(entries: list[Entry]) -> list[Entry]:
    entries[2] = dataclasses.replace(entries[2], purpose="nyfikenhet")
    return entries


def changed_and_rehashed(entries: list[Entry]) -> list[Entry]:
    forged = dataclasses.replace(entries[2], purpose="nyfikenhet")
    entries[2] = dataclasses.replace(forged, entry_hash=digest(forged))
    return entries


def removed(entries: list[Entry]) -> list[Entry]:
    del entries[2]
    return entries


def inserted_in_between(entries: list[Entry]) -> list[Entry]:
    """Renumbered from the third on, as someone would have to, to squeeze an entry in."""
    forged = dataclasses.replace(entries[1], sequence=3, username="inkräktare")
    later = [dataclasses.replace(e, sequence=e.sequence + 1) for e in entries[2:]]
    return [*entries[:2], dataclasses.replace(forged, entry_hash=digest(forged)), *later]


def moved_before_the_start(entries: list[Entry]) -> list[Entry]:
    return [dataclasses.replace(entries[0], sequence=0), *entries]


@pytest.mark.parametrize(
    ("tamper", "fault", "at"),
    [
        (changed, Fault.CHANGED, 3),
        (changed_and_rehashed, Fault.RELINKED, 4),
        (removed, Fault.MISSING, 3),
        (inserted_in_between, Fault.RELINKED, 3),
        (moved_before_the_start, Fault.BEFORE_START, 0),
    ],
)
def test_tampering_inside_the_chain_is_found_where_it_happened(tamper, fault, at) -> None:  # type: ignore[no-untyped-def]
    entries = chain_of(5)
    recorded = head(entries)
    verdict = check(tamper(entries), recorded=recorded, now=recorded)
    assert verdict.first_break is not None
    assert (verdict.first_break.fault, verdict.first_break.sequence) == (fault, at)
    assert f"nr {at}" in verdict.first_break.explanation


def test_a_removed_tail_is_found_by_the_head_read_before_the_walk() -> None:
    entries = chain_of(5)
    verdict = check(entries[:3], recorded=head(entries), now=head(entries))
    assert verdict.first_break is not None
    assert (verdict.first_break.fault, verdict.first_break.sequence) == (Fault.TRUNCATED, 4)


def test_an_entry_appended_behind_the_log_services_back_is_beyond_the_head() -> None:
    entries = chain_of(6)
    verdict = check(entries, recorded=head(entries[:5]), now=head(entries[:5]))
    assert verdict.first_break is not None
    assert (verdict.first_break.fault, verdict.first_break.sequence) == (Fault.BEYOND_HEAD, 6)


def test_entries_appended_while_the_walk_runs_are_accepted() -> None:
    entries = chain_of(6)
    verdict = check(entries, recorded=head(entries[:5]), now=head(entries))
    assert verdict.intact and verdict.checked == 6


def test_a_rewritten_chain_is_found_by_an_earlier_checkpoint() -> None:
    """Rewriting every hash after a change passes the links, not a hash recorded elsewhere."""
    entries = chain_of(5)
    signed_off = Link(3, entries[2].entry_hash)
    forged = chain_of(5)
    forged[1] = dataclasses.replace(forged[1], purpose="nyfikenhet")
    rewritten: list[Entry] = []
    previous = Link(0, GENESIS)
    for entry in forged:
        entry = dataclasses.replace(entry, previous_hash=previous.hash)
        entry = dataclasses.replace(entry, entry_hash=digest(entry))
        rewritten.append(entry)
        previous = Link(entry.sequence, entry.entry_hash)
    verdict = verify(
        rewritten,
        start=Link(0, GENESIS),
        checkpoints={signed_off.sequence: signed_off.hash},
        read_head=lambda: head(rewritten),
    )
    assert verdict.first_break is not None
    assert (verdict.first_break.fault, verdict.first_break.sequence) == (Fault.CHECKPOINT, 3)


def test_after_a_purge_the_chain_is_verified_from_its_anchor() -> None:
    entries = chain_of(5)
    anchor = Link(2, entries[1].entry_hash)
    kept = entries[2:]
    assert check(kept, start=anchor, recorded=head(kept), now=head(kept)).intact
    wrong_anchor = Link(2, GENESIS)
    verdict = check(kept, start=wrong_anchor, recorded=head(kept), now=head(kept))
    assert verdict.first_break is not None and verdict.first_break.fault == Fault.RELINKED
