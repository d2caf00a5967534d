from typing import Any

from django.http import HttpRequest

from helhetsbild.organisation.permissions import Action, can, committees_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the menu offers the user: the committees whose import and register pages they may
    open, and the analysis pages."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_import_committees": list(committees_for(user, Action.IMPORT_RUN)),
        "nav_register_committees": list(committees_for(user, Action.REGISTER_VIEW)),
        "nav_can_view_imports": committees_for(user, Action.IMPORT_VIEW).exists(),
        "nav_can_view_aggregates": can(user, Action.AGGREGATE_VIEW),
    }
