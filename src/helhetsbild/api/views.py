"""The read-only JSON API for the municipality's BI tools (docs/api.md, `openapi.json`).

Each endpoint parses its query, asks one selector and returns JSON; `endpoint` does what they
share. Only the bearer key authenticates: a browser's session cookie is ignored, so nothing here
can be triggered across sites, and as nothing changes state no CSRF token is needed.
"""

import json
import re
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from helhetsbild.analysis.selectors import indicator_for
from helhetsbild.analysis.store import StoreMissing
from helhetsbild.api import selectors
from helhetsbild.api.errors import ApiError
from helhetsbild.api.selectors import Payload
from helhetsbild.api.services import api_token_authenticate

OPENAPI_FILE = Path(__file__).with_name("openapi.json")
READ_METHODS = ("GET", "HEAD")
YEAR = re.compile(r"[1-9]\d{3}")

View = Callable[..., Payload]


def endpoint(view: View) -> Callable[..., HttpResponse]:
    """GET and HEAD only, a valid key of a user who may see aggregates, and every refusal as
    JSON with a Swedish message."""

    @csrf_exempt
    @wraps(view)
    def respond(request: HttpRequest, **kwargs: str) -> HttpResponse:
        if request.method not in READ_METHODS:
            return _method_not_allowed(request)
        try:
            user = api_token_authenticate(authorization=request.headers.get("Authorization"))
            payload = view(request, user, **kwargs)
        except ApiError as error:
            return _error(error.status, error.message, error.headers)
        except PermissionDenied:
            return _error(403, _("Användaren som API-nyckeln hör till får inte se indikatorer."))
        except StoreMissing as missing:
            return _error(503, str(missing))
        return _json(payload)

    return respond


@endpoint
def indicator_list(request: HttpRequest, user: User) -> Payload:
    _parameters(request)
    return selectors.catalogue_payload(user)


@endpoint
def indicator_detail(request: HttpRequest, user: User, indicator_id: str) -> Payload:
    _parameters(request)
    payload = selectors.indicator_payload(user, indicator_id)
    if payload is None:
        raise _unknown_indicator(indicator_id)
    return payload


@endpoint
def indicator_results(request: HttpRequest, user: User, indicator_id: str) -> Payload:
    item = indicator_for(user, indicator_id)
    if item is None:
        raise _unknown_indicator(indicator_id)
    query = _parameters(request, "from", "to", "breakdown")
    breakdown = query.get("breakdown")
    allowed = selectors.breakdown_ids(item)
    if breakdown is not None and breakdown not in allowed:
        raise ApiError(
            400,
            _("Indikatorn %(id)s har ingen uppdelning %(value)s. Möjliga: %(allowed)s.")
            % {"id": item.id, "value": breakdown, "allowed": ", ".join(allowed)},
        )
    return selectors.results_payload(user, [item], *_years(query), breakdown)


@endpoint
def results(request: HttpRequest, user: User) -> Payload:
    return selectors.results_payload(user, None, *_years(_parameters(request, "from", "to")))


@csrf_exempt
def openapi(request: HttpRequest) -> HttpResponse:
    """The description of the API; public, so that a BI tool can read it before it has a key."""
    if request.method not in READ_METHODS:
        return _method_not_allowed(request)
    return _json(openapi_document())


@cache
def openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    return document


def _parameters(request: HttpRequest, *known: str) -> dict[str, str]:
    """The query parameters, each once; an unknown one is an error, not silently ignored, so
    that a misspelt `form=2024` does not return every year."""
    for name in request.GET:
        if name not in known:
            allowed = ", ".join(known) if known else _("inga")
            raise ApiError(
                400,
                _("Okänd parameter %(name)s. Möjliga: %(allowed)s.")
                % {"name": name, "allowed": allowed},
            )
        if len(request.GET.getlist(name)) > 1:
            raise ApiError(400, _("Parametern %(name)s får bara anges en gång.") % {"name": name})
    return {name: request.GET[name] for name in request.GET}


def _years(query: dict[str, str]) -> tuple[int | None, int | None]:
    first, last = _year(query, "from"), _year(query, "to")
    if first is not None and last is not None and first > last:
        raise ApiError(
            400,
            _("Parametern from (%(first)s) är senare än to (%(last)s).")
            % {"first": first, "last": last},
        )
    return first, last


def _year(query: dict[str, str], name: str) -> int | None:
    value = query.get(name)
    if value is None:
        return None
    if not YEAR.fullmatch(value):
        raise ApiError(
            400,
            _("Parametern %(name)s ska vara ett år med fyra siffror, inte ”%(value)s”.")
            % {"name": name, "value": value},
        )
    return int(value)


def _unknown_indicator(indicator_id: str) -> ApiError:
    return ApiError(404, _("Okänd indikator: %(id)s") % {"id": indicator_id})


def _method_not_allowed(request: HttpRequest) -> HttpResponse:
    return _error(
        405,
        _("Metoden %(method)s stöds inte: API:t kan bara läsas, med GET.")
        % {"method": request.method},
        {"Allow": ", ".join(READ_METHODS)},
    )


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> HttpResponse:
    return _json({"error": message}, status, headers)


def _json(
    payload: Payload, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    return JsonResponse(
        payload,
        status=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
        json_dumps_params={"ensure_ascii": False},
    )
