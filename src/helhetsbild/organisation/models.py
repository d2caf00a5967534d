"""Committees, and which user acts in which role for which committee."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Handläggare")
    ANALYST = "analyst", _("Analytiker")
    CONTROLLER = "controller", _("Ekonom/controller")
    READER = "reader", _("Läsare")
    ADMIN = "admin", _("Systemförvaltare")


class Committee(models.Model):
    """A nämnd: its own authority under secrecy law, owner of the records it imports."""

    code = models.CharField(_("kod"), max_length=20, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    import_kinds = models.JSONField(
        _("tillåtna importslag"),
        default=list,
        blank=True,
        help_text=_("Tom lista: nämnden får importera alla slag."),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("nämnd")
        verbose_name_plural = _("nämnder")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def may_import(self, kind: str) -> bool:
        return not self.import_kinds or kind in self.import_kinds


class Membership(models.Model):
    """A user's role; a caseworker's role is bound to one committee."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "committee"], name="membership_unique"),
            models.CheckConstraint(
                condition=~models.Q(role="caseworker") | models.Q(committee__isnull=False),
                name="caseworker_has_committee",
            ),
        ]

    def __str__(self) -> str:
        where = f" – {self.committee.code}" if self.committee else ""
        return f"{self.user} – {self.get_role_display()}{where}"


class GroupRoleMapping(models.Model):
    """One group of the identity provider gives its members one role (for one committee).

    Edited by an admin; at every single sign-on the user's memberships are made to equal what
    their groups map to, so removing a user from a group at the provider removes the role here.
    """

    group = models.CharField(
        _("grupp hos identitetsleverantören"),
        max_length=200,
        help_text=_("Värdet i gruppanspråket, t.ex. gruppens namn eller id."),
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_mappings",
        verbose_name=_("nämnd"),
    )

    class Meta:
        ordering = ["group", "role"]
        verbose_name = _("gruppkoppling")
        verbose_name_plural = _("gruppkopplingar")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "role", "committee"], name="group_role_mapping_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="caseworker") | models.Q(committee__isnull=False),
                name="group_mapping_caseworker_has_committee",
            ),
        ]

    def __str__(self) -> str:
        where = f" – {self.committee.code}" if self.committee else ""
        return f"{self.group} → {self.get_role_display()}{where}"
