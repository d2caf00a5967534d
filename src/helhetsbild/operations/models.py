"""What key rotation leaves behind: a record of each rotation, and the pseudonyms it retired.

The access log is append-only and hash-chained, so a rotation never rewrites it: an entry keeps
the pseudonym that was current when it was written. `FormerPseudonym` links a person to those
older pseudonyms under the current keys only, so that a leaked old pseudonym key does not lead
from an old pseudonym to the person in a later copy of the database. See
docs/adr/0009-key-rotation-and-the-access-log.md.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from helhetsbild.register.models import Person


class KeyRotation(models.Model):
    """One change of keys, named by key ids (a keyed hash of a constant), never by the keys."""

    started_at = models.DateTimeField(_("startad"))
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    previous_pseudonym_key_id = models.CharField(_("förra pseudonymnyckeln"), max_length=16)
    previous_encryption_key_id = models.CharField(_("förra krypteringsnyckeln"), max_length=16)
    pseudonym_key_id = models.CharField(_("pseudonymnyckel"), max_length=16)
    encryption_key_id = models.CharField(_("krypteringsnyckel"), max_length=16)
    persons = models.IntegerField(_("identiteter"), default=0)
    quarantine_rows = models.IntegerField(_("karantänrader"), default=0)
    former_pseudonyms = models.IntegerField(_("tidigare pseudonymer"), default=0)
    confirmed_at = models.DateTimeField(_("bekräftad"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("nyckelbyte")
        verbose_name_plural = _("nyckelbyten")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.pseudonym_key_id}"


class FormerPseudonym(models.Model):
    """A pseudonym `person` had until `rotation` retired it: encrypted, to list a person's log
    entries, and as a digest under the current pseudonym key, to find the person of an old
    entry. Both are re-keyed by every later rotation."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    rotation = models.ForeignKey(KeyRotation, on_delete=models.PROTECT, related_name="+")
    pseudonym_encrypted = models.BinaryField()
    pseudonym_digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("tidigare pseudonym")
        verbose_name_plural = _("tidigare pseudonymer")
        constraints = [
            models.UniqueConstraint(fields=["person", "rotation"], name="formerpseudonym_key")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ({self.rotation_id})"
