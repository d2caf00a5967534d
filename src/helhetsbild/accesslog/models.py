"""Every look at an identified person leaves a row here: who, when, what, which person, why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("händelse"), max_length=60)
    pseudonym = models.CharField(_("pseudonym"), max_length=64, blank=True, db_index=True)
    committee_code = models.CharField(_("nämnd"), max_length=20, blank=True)
    purpose = models.CharField(_("syfte"), max_length=200, blank=True)
    detail = models.CharField(_("detalj"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("åtkomsthändelse")
        verbose_name_plural = _("åtkomstlogg")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action}"
