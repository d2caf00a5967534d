import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# When the session's login happened and when it was last used, as seconds since the epoch.
SESSION_STARTED = "session_started"
SESSION_SEEN = "session_seen"
# The last-seen time is written at most this often, so that reading pages does not write the
# session on every request; the idle timeout is therefore exact to within this.
SEEN_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """A signed-in session ends after a time without requests and, however busy, a time after
    login (ASVS 7.3.1 and 7.3.2); the user is sent to log in again with a message saying why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = time.time()
        if request.user.is_authenticated and SESSION_STARTED in request.session:
            ended = self._ended(request, now)
            if ended:
                logout(request)
                messages.info(request, ended)
                return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        if request.user.is_authenticated:
            session = request.session
            if SESSION_STARTED not in session:  # the request that logged in
                session[SESSION_STARTED] = session[SESSION_SEEN] = now
            elif now - session[SESSION_SEEN] >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN] = now
        return response

    @staticmethod
    def _ended(request: HttpRequest, now: float) -> str:
        """Why the session is over, or nothing if it is not."""
        idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
        if now - request.session[SESSION_STARTED] > absolute:
            return _(
                "Du har loggats ut eftersom det har gått %(hours)d timmar sedan du loggade in. "
                "Logga in igen."
            ) % {"hours": absolute // 3600}
        if now - request.session[SESSION_SEEN] > idle:
            return _(
                "Du har loggats ut eftersom du inte har varit aktiv på %(minutes)d minuter. "
                "Logga in igen."
            ) % {"minutes": idle // 60}
        return ""


class PermissionsPolicyMiddleware:
    """Turns off browser features no page uses (camera, microphone, location, …), so that even
    injected content could not reach them. Django has no setting for this header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class NoStoreMiddleware:
    """Pages of signed-in users may hold person data: no browser or proxy may keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
