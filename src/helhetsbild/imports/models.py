"""Import batches, their row-level reports and the quarantine of rows kept back."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhetsbild.organisation.models import Committee


class BatchState(models.TextChoices):
    COMMITTED = "committed", _("Importerad")
    PARTIAL = "partial", _("Delvis importerad (rader i karantän)")
    REJECTED = "rejected", _("Avvisad")
    DUPLICATE = "duplicate", _("Redan importerad")


class ImportBatch(models.Model):
    """One file imported (or refused) for one committee; the original is kept by its SHA-256."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="batches")
    kind = models.CharField(_("slag"), max_length=30)
    state = models.CharField(_("status"), max_length=20, choices=BatchState.choices)
    file_name = models.CharField(_("filnamn"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(_("storlek"), default=0)
    encoding = models.CharField(_("teckenkodning"), max_length=20, blank=True)
    delimiter = models.CharField(_("avgränsare"), max_length=5, blank=True)
    rows = models.IntegerField(_("rader"), default=0)
    accepted = models.IntegerField(_("godkända"), default=0)
    rejected = models.IntegerField(_("avvisade"), default=0)
    issue_count = models.IntegerField(_("antal fel"), default=0)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("importomgång")
        verbose_name_plural = _("importomgångar")
        indexes = [models.Index(fields=["committee", "kind", "sha256"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.get_state_display()})"

    @property
    def kind_label(self) -> str:
        from helhetsbild.imports.formats import kind

        return kind(self.kind).label


class ImportIssue(models.Model):
    """One line of a batch's report. The value is masked wherever it could be a personnummer."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    row = models.IntegerField(_("rad"))
    column = models.CharField(_("kolumn"), max_length=100, blank=True)
    value = models.CharField(_("värde"), max_length=200, blank=True)
    reason = models.CharField(_("orsak"), max_length=500)

    class Meta:
        ordering = ["row", "id"]
        verbose_name = _("importfel")
        verbose_name_plural = _("importfel")

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row} {self.column}: {self.reason}"


class QuarantineState(models.TextChoices):
    OPEN = "open", _("Öppen")
    CORRECTED = "corrected", _("Rättad och importerad")


class QuarantineRow(models.Model):
    """A row kept back by an import with `--accept-valid`, encrypted, until someone corrects it."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="quarantine")
    row = models.IntegerField(_("rad"))
    values_encrypted = models.BinaryField()
    reasons = models.JSONField(default=list)
    state = models.CharField(
        max_length=20, choices=QuarantineState.choices, default=QuarantineState.OPEN
    )
    corrected_by_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["batch", "row"]
        verbose_name = _("karantänrad")
        verbose_name_plural = _("karantän")

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row} ({self.state})"
