"""Reads of import batches, reports and quarantine, scoped to what the acting user may see."""

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.analysis.store import current_build
from helhetsbild.imports.formats import kinds
from helhetsbild.imports.models import BatchState, ImportBatch, QuarantineRow, QuarantineState
from helhetsbild.organisation.permissions import Action, committees_for
from helhetsbild.register.identity import decrypt_text

# How many of the latest analysis builds `helhetsbild status` lists.
RECENT_BUILDS = 5


def batches_for_user(user: User) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(
        committee__in=committees_for(user, Action.IMPORT_VIEW)
    ).select_related("committee", "created_by")


def batch_for_user(user: User, batch_id: int) -> ImportBatch:
    """404 alike for a batch that does not exist and one of another committee."""
    return get_object_or_404(batches_for_user(user), pk=batch_id)


def quarantine_for_user(user: User) -> QuerySet[QuarantineRow]:
    return QuarantineRow.objects.filter(
        batch__committee__in=committees_for(user, Action.IMPORT_RUN), state=QuarantineState.OPEN
    ).select_related("batch", "batch__committee")


def quarantine_row_for_user(user: User, row_id: int) -> QuarantineRow:
    return get_object_or_404(quarantine_for_user(user), pk=row_id)


def quarantine_values(row: QuarantineRow) -> dict[str, str]:
    """The row as it stood in the file, personnummer included: only for its own committee."""
    values: dict[str, str] = json.loads(decrypt_text(row.values_encrypted))
    return values


def register_status() -> dict[str, Any]:
    """Counts per kind and committee, every batch and the latest analysis builds with why one
    failed: what `helhetsbild status --json` prints.

    For the operator at the command line only; it holds no person data.
    """
    counts: dict[str, dict[str, int]] = {}
    for name, spec in kinds().items():
        rows = spec.model._default_manager.values("committee__code").annotate(n=Count("id"))
        counts[name] = {row["committee__code"]: row["n"] for row in rows}
    batches = [
        {
            "id": b.pk,
            "kind": b.kind,
            "committee": b.committee.code,
            "state": b.state,
            "rows": b.rows,
            "accepted": b.accepted,
            "rejected": b.rejected,
            "sha256": b.sha256,
            "file_name": b.file_name,
            "started_at": b.started_at.isoformat(),
        }
        for b in ImportBatch.objects.select_related("committee").order_by("id")
    ]
    builds = [
        {
            "id": b.pk,
            "state": b.state,
            "started_at": b.started_at.isoformat(),
            "finished_at": b.finished_at.isoformat() if b.finished_at else None,
            "error": b.error,  # masked when it was written
        }
        for b in AnalysisBuild.objects.order_by("-id")[:RECENT_BUILDS][::-1]
    ]
    current = current_build()
    read = set(current.batch_ids) if current else set()
    written = ImportBatch.objects.filter(state__in=[BatchState.COMMITTED, BatchState.PARTIAL])
    return {
        "counts": counts,
        "batches": batches,
        "analysis_builds": builds,
        # Batches the current store has not read: an import with --no-analyse, or a rebuild
        # cut short (a task worker restarted mid-build); `helhetsbild analyse` catches up.
        "unread_batches": sorted(set(written.values_list("id", flat=True)) - read),
        "data_dir": str(settings.DATA_DIR),
        "database": {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])},
    }
