"""Appending to the access log, signing off a month's review, and the retention purge.

Appending locks the chain's head row until the caller's transaction commits, so two writers can
never chain to the same predecessor: PostgreSQL waits on the row lock, SQLite on the write lock
that every transaction takes at its start. Callers write their event last, just before their
transaction ends, so that the lock is held briefly.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.accesslog import events
from helhetsbild.accesslog.chain import Entry, digest
from helhetsbild.accesslog.events import LABELS
from helhetsbild.accesslog.models import AccessEvent, LogChain, ReviewSignoff
from helhetsbild.accesslog.sampling import SampledEntry, month_bounds
from helhetsbild.organisation.permissions import Action, can

PURPOSE_MAX = AccessEvent._meta.get_field("purpose").max_length or 0
DETAIL_MAX = AccessEvent._meta.get_field("detail").max_length or 0


class LogChainMissing(RuntimeError):
    """The head row is gone while events remain: the log refuses to start a second chain."""


def access_event_record(
    *,
    actor: User,
    action: str,
    pseudonym: str = "",
    committee_code: str = "",
    purpose: str = "",
    detail: str = "",
) -> AccessEvent:
    """Append one event; called inside the transaction of the read or change it records."""
    if action not in LABELS:
        raise ValueError(f"unregistered access event code: {action}")
    with transaction.atomic():
        chain = _locked_chain()
        entry = Entry(
            sequence=chain.head_sequence + 1,
            at=timezone.now(),
            user_id=actor.pk,
            username=actor.get_username(),
            action=action,
            pseudonym=pseudonym,
            committee_code=committee_code,
            purpose=purpose[:PURPOSE_MAX],
            detail=detail[:DETAIL_MAX],
            previous_hash=chain.head_hash,
        )
        event = AccessEvent(
            sequence=entry.sequence,
            at=entry.at,
            user=actor,
            username=entry.username,
            action=entry.action,
            pseudonym=entry.pseudonym,
            committee_code=entry.committee_code,
            purpose=entry.purpose,
            detail=entry.detail,
            previous_hash=entry.previous_hash,
            entry_hash=digest(entry),
        )
        event.save(force_insert=True)
        chain.head_sequence, chain.head_hash = event.sequence, event.entry_hash
        chain.save(update_fields=["head_sequence", "head_hash"])
    return event


def _locked_chain() -> LogChain:
    """The head row, locked; created on first use (a flushed test database has none)."""
    chain = LogChain.objects.select_for_update().filter(pk=1).first()
    if chain is None:
        LogChain.objects.bulk_create([LogChain(pk=1)], ignore_conflicts=True)
        chain = LogChain.objects.select_for_update().get(pk=1)
        if chain.head_sequence == 0 and AccessEvent.objects.exists():
            raise LogChainMissing("the access log's head row was removed; run verify-log")
    return chain


def permission_change_record(*, actor: User, subject: User, change: str) -> AccessEvent:
    """A change of who may do what: one event per change, named by the user it concerns."""
    return access_event_record(
        actor=actor,
        action=events.PERMISSION_CHANGED,
        detail=f"{subject.get_username()}: {change}",
    )


def review_signoff_create(
    *,
    actor: User,
    month: dt.date,
    sample: list[SampledEntry],
    reviewed: list[int],
    comment: str,
) -> ReviewSignoff:
    """Record that `actor` reviewed `reviewed` out of the month's `sample`."""
    if not can(actor, Action.ACCESS_LOG_REVIEW):
        raise PermissionDenied
    if month_bounds(month)[1] > timezone.now():
        raise ValueError("a month is signed off once it has ended")
    drawn = {entry.sequence for entry in sample}
    if not set(reviewed) <= drawn:
        raise ValueError("only entries of the sample can be signed off as reviewed")
    with transaction.atomic():
        event = access_event_record(
            actor=actor,
            action=events.ACCESS_LOG_SIGNED_OFF,
            purpose=_("logggranskning"),
            detail=_("%(month)s: %(reviewed)s av %(drawn)s poster granskade")
            % {"month": f"{month:%Y-%m}", "reviewed": len(reviewed), "drawn": len(drawn)},
        )
        return ReviewSignoff.objects.create(
            month=month.replace(day=1),
            sample=[entry.record() for entry in sample],
            reviewed=sorted(reviewed),
            comment=comment,
            reviewed_by=actor,
            head_sequence=event.sequence,
            head_hash=event.entry_hash,
        )


def retention_cutoff(now: dt.datetime) -> dt.datetime:
    """The same moment `ACCESS_LOG_RETENTION_YEARS` years ago (28 February for a 29th)."""
    years = settings.ACCESS_LOG_RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def access_log_purge(*, actor: User, now: dt.datetime | None = None) -> int:
    """Remove the entries older than the retention period, from the start of the chain.

    The last removed entry's hash becomes the anchor that verification starts from, so the rest
    of the chain stays verifiable; the purge itself is then appended to the log. Removal stops at
    the first entry that is still within the retention period, whatever follows it.
    """
    if not can(actor, Action.ACCESS_LOG_PURGE):
        raise PermissionDenied
    cutoff = retention_cutoff(now or timezone.now())
    with transaction.atomic():
        chain = _locked_chain()
        kept = AccessEvent.objects.filter(sequence__gt=chain.anchor_sequence, at__gte=cutoff)
        first_kept = kept.order_by("sequence").values_list("sequence", flat=True).first()
        last_purged = AccessEvent.objects.filter(
            sequence__gt=chain.anchor_sequence,
            sequence__lt=first_kept if first_kept is not None else chain.head_sequence + 1,
        ).order_by("-sequence")
        anchor = last_purged.values_list("sequence", "entry_hash").first()
        if anchor is None:
            return 0
        first = chain.anchor_sequence + 1
        chain.anchor_sequence, chain.anchor_hash = anchor
        chain.anchored_at = timezone.now()
        chain.save(update_fields=["anchor_sequence", "anchor_hash", "anchored_at"])
        # The one way rows leave the log; the PostgreSQL trigger allows it behind the anchor only.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {AccessEvent._meta.db_table} WHERE sequence <= %s",
                [chain.anchor_sequence],
            )
            removed = cursor.rowcount
        access_event_record(
            actor=actor,
            action=events.ACCESS_LOG_PURGED,
            detail=_("%(n)s poster äldre än %(cutoff)s borttagna, nr %(first)s–%(last)s")
            % {
                "n": removed,
                "cutoff": f"{timezone.localtime(cutoff):%Y-%m-%d}",
                "first": first,
                "last": chain.anchor_sequence,
            },
        )
    return removed
