"""Logging in with a password, the second factor after it, and ending a user's sessions.

Password login exists only where `settings.PASSWORD_LOGIN` allows it (the demo); a
municipality's users log in through its identity provider (`organisation.oidc`).
"""

import datetime as dt
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import SESSION_KEY, login
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record

# A password accepted but the code not yet given: kept in the session this long.
PENDING_LOGIN_KEY = "login_pending"
PENDING_LOGIN_TIMEOUT = dt.timedelta(minutes=5)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes's check for locked-out password attempts.

    Axes refuses every `authenticate()` call without a request. Only calls made in-process (the
    test client's `login()`, a shell) come without one, and nobody can guess passwords through
    them, so this backend lets them pass to the next backend instead of failing.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def not_a_password_attempt(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """Axes counts and locks password attempts only: a failed single sign-on carries no user
    name, and counting it against the address would lock out a whole office behind one NAT."""
    return not (credentials or {}).get("username")


class SecondFactor(Enum):
    NOT_NEEDED = "not_needed"
    NEEDED = "needed"
    # Required for this user by settings, but the user has no confirmed device to give a code.
    MISSING = "missing"


def second_factor(user: User) -> SecondFactor:
    """Whether a password alone logs `user` in: not if they have a confirmed TOTP device, nor
    if they are staff and the installation requires a code from staff."""
    if any(devices_for_user(user, confirmed=True)):
        return SecondFactor.NEEDED
    if settings.OTP_REQUIRED_FOR_STAFF and (user.is_staff or user.is_superuser):
        return SecondFactor.MISSING
    return SecondFactor.NOT_NEEDED


@dataclass(frozen=True)
class PendingLogin:
    user: User
    backend: str
    next_url: str


def login_pending_start(request: HttpRequest, *, user: User, backend: str, next_url: str) -> None:
    """Remember a user whose password was right until they give their code; nothing is logged
    in yet."""
    request.session[PENDING_LOGIN_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "since": time.time(),
    }


def login_pending(request: HttpRequest) -> PendingLogin | None:
    """The login waiting for a code, unless the wait is over or the user was deactivated."""
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not pending or time.time() - pending["since"] > PENDING_LOGIN_TIMEOUT.total_seconds():
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        return None
    return PendingLogin(user=user, backend=pending["backend"], next_url=pending["next"])


def login_pending_finish(request: HttpRequest, *, pending: PendingLogin, code: str) -> bool:
    """Log the waiting user in if `code` is right. Each device throttles wrong codes itself
    (django-otp doubles the wait after every failure), so guessing is slow."""
    device = match_token(pending.user, code)
    if device is None:
        return False
    del request.session[PENDING_LOGIN_KEY]
    login(request, pending.user, backend=pending.backend)
    otp_login(request, device)
    return True


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> int:
    """Take away a user's access at once: deactivated, and every session of theirs ended, so
    that a browser still signed in loses access on its next request. Returns how many sessions
    ended."""
    if not actor.is_active or not actor.has_perm("auth.change_user"):
        raise PermissionDenied
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = sessions_end(user)
    access_event_record(
        actor=actor,
        action=events.USER_DEACTIVATED,
        detail=f"användare {user.username} (id {user.pk}), {ended} sessioner avslutade",
    )
    return ended


def sessions_end(user: User) -> int:
    """Delete every live session of `user`. Sessions are stored in the database (Django's
    default engine) and name their user only inside the encoded data, so each one is read;
    a municipality has at most some thousands at a time."""
    live = Session.objects.filter(expire_date__gt=timezone.now())
    theirs = [s.pk for s in live.iterator() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]
    Session.objects.filter(pk__in=theirs).delete()
    return len(theirs)
