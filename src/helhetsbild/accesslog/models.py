"""Every look at an identified person leaves a row here: who, when, what, which person, why.

Rows are appended by `services.access_event_record` only, each chained to the one before by its
hash (see `chain`), and never changed or removed through Django; the retention purge removes the
oldest rows with raw SQL and leaves an anchor behind. On PostgreSQL a trigger refuses the same.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhetsbild.accesslog.chain import GENESIS, Entry, Link, digest
from helhetsbild.accesslog.events import LABELS

# As much of a pseudonym as the pages show, and the least a reviewer may type to filter by one.
SHORT_PSEUDONYM_LENGTH = 10


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a row of an append-only table."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"{what} is append-only: rows are never changed or deleted")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(self.model._meta.label)

    def delete(self) -> NoReturn:
        _refuse(self.model._meta.label)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        _refuse(self.model._meta.label)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(self._meta.label)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(self._meta.label)


class AccessEvent(AppendOnlyModel):
    sequence = models.PositiveBigIntegerField(_("nr"), unique=True)
    at = models.DateTimeField(_("tid"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Kept as it was when the event was written: a renamed user does not rewrite history.
    username = models.CharField(_("användarnamn"), max_length=150)
    action = models.CharField(_("händelse"), max_length=60)
    pseudonym = models.CharField(_("pseudonym"), max_length=64, blank=True, db_index=True)
    committee_code = models.CharField(_("nämnd"), max_length=20, blank=True)
    purpose = models.CharField(_("syfte"), max_length=200, blank=True)
    detail = models.CharField(_("detalj"), max_length=300, blank=True)
    previous_hash = models.CharField(_("föregående posts kontrollsumma"), max_length=64)
    entry_hash = models.CharField(_("kontrollsumma"), max_length=64)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("åtkomsthändelse")
        verbose_name_plural = _("åtkomstlogg")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A row whose hash does not cover its content would be a break in the chain at birth."""
        if self._state.adding and self.entry_hash != digest(self.entry()):
            raise ValueError("an access event is written by access_event_record, hash and all")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return str(LABELS.get(self.action, self.action))

    @property
    def short_pseudonym(self) -> str:
        return self.pseudonym[:SHORT_PSEUDONYM_LENGTH]

    def entry(self) -> Entry:
        return Entry(
            sequence=self.sequence,
            at=self.at,
            user_id=self.user_id,
            username=self.username,
            action=self.action,
            pseudonym=self.pseudonym,
            committee_code=self.committee_code,
            purpose=self.purpose,
            detail=self.detail,
            previous_hash=self.previous_hash,
            entry_hash=self.entry_hash,
        )


class LogChain(models.Model):
    """The one row every appender locks: the head of the chain, and where it now starts.

    Locking this row (rather than reading the newest event) is what keeps two writers from both
    chaining to the same predecessor. The anchor is the last entry removed by the retention
    purge: verification starts from its hash.
    """

    head_sequence = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS)
    anchor_sequence = models.PositiveBigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default=GENESIS)
    anchored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("loggkedja")
        verbose_name_plural = _("loggkedja")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="logchain_single_row")]

    def __str__(self) -> str:
        return f"{self.anchor_sequence}..{self.head_sequence}"

    @property
    def head(self) -> Link:
        return Link(self.head_sequence, self.head_hash)

    @property
    def anchor(self) -> Link:
        return Link(self.anchor_sequence, self.anchor_hash)


class ReviewSignoff(AppendOnlyModel):
    """A reviewer's signature under one month's sample: what was drawn, what was reviewed.

    The sample is stored as drawn, since a later change of memberships could change what the
    rules pick; the head of the chain at signing is a checkpoint that `verify-log` holds the
    chain to ever after.
    """

    month = models.DateField(_("månad"), unique=True)
    sample = models.JSONField(_("stickprov"))
    reviewed = models.JSONField(_("granskade poster"))
    comment = models.TextField(_("kommentar"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("granskad"), default=timezone.now)
    head_sequence = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("granskning av stickprov")
        verbose_name_plural = _("granskningar av stickprov")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
