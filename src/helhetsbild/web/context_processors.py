from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helhetsbild.organisation.permissions import Action, actions_of, committees_for

StrOrPromise = str | Promise

# The pages of the whole municipality in the menu, each shown to those who hold its action.
MENU: list[tuple[str, StrOrPromise, Action]] = [
    ("analysis:overview", _("Översikt"), Action.AGGREGATE_VIEW),
    ("analysis:catalogue", _("Indikatorer"), Action.AGGREGATE_VIEW),
    ("analysis:journey", _("Användarresan"), Action.AGGREGATE_VIEW),
    ("goals:tree", _("Mål"), Action.GOAL_VIEW),
    ("plans:audits", _("Granskningar"), Action.AUDIT_VIEW),
    ("plans:actions", _("Åtgärder"), Action.AUDIT_VIEW),
    ("reports:list", _("Rapporter"), Action.REPORT_VIEW),
    ("economy:overview", _("Ekonomi"), Action.AGGREGATE_VIEW),
    ("economy:claims", _("Återsökning"), Action.CLAIM_MANAGE),
    ("accesslog:review", _("Åtkomstlogg"), Action.ACCESS_LOG_REVIEW),
    ("accesslog:samples", _("Loggranskning"), Action.ACCESS_LOG_OVERSIGHT),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the menu offers the user: the committees whose import and register pages they may
    open, and the municipality-wide pages their roles allow."""
    user = request.user
    if not user.is_authenticated:
        return {}
    held = actions_of(user)
    return {
        "nav_import_committees": list(committees_for(user, Action.IMPORT_RUN)),
        "nav_register_committees": list(committees_for(user, Action.REGISTER_VIEW)),
        "nav_can_view_imports": Action.IMPORT_VIEW in held,
        "nav_can_view_aggregates": Action.AGGREGATE_VIEW in held,
        "nav_pages": [(name, label) for name, label, action in MENU if action in held],
    }
