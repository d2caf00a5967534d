"""API keys: how a machine, such as the municipality's BI tool, reads the API as one user.

A key acts as its user and holds exactly that user's permissions, checked on every request, so
taking a role from the user takes it from the key too. Only a SHA-256 hash of the key is stored;
the short prefix is not secret and names the key in lists, the access log and on the command line.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenState(models.TextChoices):
    ACTIVE = "active", _("Giltig")
    EXPIRED = "expired", _("Utgången")
    REVOKED = "revoked", _("Återkallad")


class ApiToken(models.Model):
    name = models.CharField(
        _("namn"),
        max_length=80,
        help_text=_("Vad nyckeln används till, till exempel ”Power BI, ekonomi”."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("användare"),
        help_text=_("Nyckeln läser som denna användare, med dess behörigheter."),
    )
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(_("kontrollsumma"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("skapad av"),
        help_text=_("Tomt: skapad på kommandoraden."),
    )
    expires_at = models.DateTimeField(_("går ut"))
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="apitoken_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True)
                | models.Q(revoked_at__gte=models.F("created_at")),
                name="apitoken_revoked_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})"

    def state(self, at: dt.datetime | None = None) -> TokenState:
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_at <= (at or timezone.now()):
            return TokenState.EXPIRED
        return TokenState.ACTIVE
