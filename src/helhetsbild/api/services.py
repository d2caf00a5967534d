"""Creating, revoking and checking API keys.

A key is `hb_<prefix>_<secret>`: 32 random bytes make it as strong as a key can usefully be, so a
plain SHA-256 of it is safe to store and fast to check on every request (a slow password hash
exists to protect guessable passwords, which a key is not). Looking the key up by its hash also
makes the check constant-time in the sense that matters: an attacker cannot steer which stored
hash a guess is compared with.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.api.errors import ApiError
from helhetsbild.api.models import ApiToken, TokenState
from helhetsbild.organisation.permissions import Action, can

KEY_MARK = "hb_"
DEFAULT_DAYS = 365
MAX_DAYS = 2 * 365
# A BI refresh makes many requests within seconds; recording each would be a write per request.
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # the whole key: shown once to whoever created it, never stored


def api_token_check(*, user: User, name: str, days: int) -> None:
    """The rules for a new key, shared by the service and the admin's form."""
    if not name.strip():
        raise ValidationError(_("Ge nyckeln ett namn som säger vad den används till."))
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            _("En nyckel gäller från 1 till %(max)s dagar, inte %(days)s.")
            % {"max": MAX_DAYS, "days": days}
        )
    if not user.is_active:
        raise ValidationError(_("Användaren %(user)s är inte aktiv.") % {"user": user.username})
    if not can(user, Action.AGGREGATE_VIEW):
        raise ValidationError(
            _("Användaren %(user)s får inte se indikatorer, så nyckeln skulle inte ge något.")
            % {"user": user.username}
        )


@transaction.atomic
def api_token_create(
    *, actor: User | None, user: User, name: str, days: int = DEFAULT_DAYS
) -> IssuedToken:
    """A new key acting as `user`. `actor` None is the operator at the command line."""
    _require(actor, "api.add_apitoken")
    api_token_check(user=user, name=name, days=days)
    prefix = secrets.token_hex(4)
    key = f"{KEY_MARK}{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    token = ApiToken.objects.create(
        name=name.strip(),
        user=user,
        prefix=prefix,
        secret_hash=key_hash(key),
        created_at=now,
        created_by=actor,
        expires_at=now + dt.timedelta(days=days),
    )
    _record(actor, token, events.API_TOKEN_CREATED)
    return IssuedToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a key for good; it stays listed, with when it was revoked."""
    _require(actor, "api.change_apitoken")
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(
            _("Nyckeln %(prefix)s är redan återkallad.") % {"prefix": token.prefix}
        )
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    _record(actor, token, events.API_TOKEN_REVOKED)
    return token


def api_token_authenticate(*, authorization: str | None) -> User:
    """The user behind an `Authorization: Bearer <key>` header, or `ApiError` 401 saying why
    not. Whether the user may see what they ask for is the selectors' question."""
    scheme, _space, key = (authorization or "").strip().partition(" ")
    if not scheme:
        raise _unauthorized(
            _("API-nyckel saknas. Skicka den i huvudet Authorization: Bearer <nyckel>.")
        )
    if scheme.lower() != "bearer" or not key.strip():
        raise _unauthorized(_("Huvudet Authorization ska ha formen Bearer <nyckel>."))
    found = (
        ApiToken.objects.select_related("user").filter(secret_hash=key_hash(key.strip())).first()
    )
    now = timezone.now()
    if found is None:
        raise _unauthorized(_("Okänd API-nyckel."))
    state = found.state(now)
    if state == TokenState.REVOKED:
        raise _unauthorized(_("API-nyckeln %(prefix)s är återkallad.") % {"prefix": found.prefix})
    if state == TokenState.EXPIRED:
        raise _unauthorized(
            _("API-nyckeln %(prefix)s gick ut %(date)s.")
            % {"prefix": found.prefix, "date": f"{timezone.localtime(found.expires_at):%Y-%m-%d}"}
        )
    if not found.user.is_active:
        raise _unauthorized(_("Användaren som API-nyckeln hör till är inte aktiv."))
    if found.last_used_at is None or now - found.last_used_at >= LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _require(actor: User | None, permission: str) -> None:
    """Keys are managed by administrators, through Django's admin permissions on the model."""
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied


def _record(actor: User | None, token: ApiToken, action: str) -> None:
    """A change of who may read the API. The log needs a user: at the command line, where no
    user acts, the event is recorded on the key's own user and says so."""
    detail = _("Nyckel %(prefix)s ”%(name)s” för %(user)s") % {
        "prefix": token.prefix,
        "name": token.name,
        "user": token.user.username,
    }
    if actor is None:
        detail += " " + _("(på kommandoraden)")
    access_event_record(actor=actor or token.user, action=action, detail=detail)


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, {"WWW-Authenticate": 'Bearer realm="helhetsbild"'})
