"""The record of each build of the analysis store: what it was built from, and whether it finished.

The store itself is a DuckDB file in `DATA_DIR/analysis/`; this table in the operational database
says which file is current (the latest complete build) and how fresh each committee's data in it
is. See docs/analysis-store.md and docs/adr/0005-analysis-store.md.
"""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

STORE_FOLDER = "analysis"


class BuildState(models.TextChoices):
    RUNNING = "running", _("Pågår")
    COMPLETE = "complete", _("Klar")
    FAILED = "failed", _("Misslyckades")


class AnalysisBuild(models.Model):
    """One build. `sources` holds, per committee and kind, how many import batches the build read
    and when the latest of them finished: `[{"committee", "kind", "batches", "latest"}]`."""

    state = models.CharField(_("status"), max_length=20, choices=BuildState.choices)
    started_at = models.DateTimeField(_("startad"))
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference_date = models.DateField(_("referensdatum"))
    file_name = models.CharField(_("filnamn"), max_length=100, unique=True)
    batch_ids = models.JSONField(_("importomgångar"), default=list, blank=True)
    sources = models.JSONField(_("källor"), default=list, blank=True)
    row_counts = models.JSONField(_("rader per tabell"), default=dict, blank=True)
    error = models.TextField(_("fel"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("analysbygge")
        verbose_name_plural = _("analysbyggen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True)
                | models.Q(finished_at__gte=models.F("started_at")),
                name="analysisbuild_times_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=BuildState.COMPLETE)
                | models.Q(finished_at__isnull=False),
                name="analysisbuild_complete_has_finished_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def path(self) -> Path:
        return Path(settings.DATA_DIR) / STORE_FOLDER / self.file_name

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def freshness(self) -> dict[str, dt.datetime]:
        """Per committee code, when the latest import batch the build read finished."""
        latest: dict[str, dt.datetime] = {}
        for source in self.sources:
            when = dt.datetime.fromisoformat(source["latest"])
            code = source["committee"]
            latest[code] = max(when, latest.get(code, when))
        return latest
