"""The steps of logging in that follow the login page: the code after a password, single
sign-on's two ends, and what a locked-out or role-less user sees."""

import logging
from typing import Any

import jwt
import requests
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from helhetsbild.organisation.auth import login_pending, login_pending_finish
from helhetsbild.organisation.permissions import roles_of

logger = logging.getLogger(__name__)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod"),
        help_text=gettext_lazy("Sex siffror från din kodgenerator, t.ex. en app i telefonen."),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def login_code(request: HttpRequest) -> HttpResponse:
    pending = login_pending(request)
    if pending is None:
        messages.info(request, _("Logga in igen med ditt lösenord."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if login_pending_finish(request, pending=pending, code=form.cleaned_data["code"]):
            return HttpResponseRedirect(pending.next_url)
        form.add_error("code", _("Koden stämmer inte. Vänta en stund och försök igen."))
    return render(request, "registration/login_code.html", {"form": form})


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """django-axes's answer once a user name has failed too often from one address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site logs in through the one login page, so that lockout, the second factor
    and a disabled password login hold there too."""
    if request.user.is_authenticated:
        raise PermissionDenied  # signed in but not staff: sending them to log in would loop
    query = request.GET.urlencode()
    return HttpResponseRedirect(reverse("login") + (f"?{query}" if query else ""))


class SingleSignOnOnly(View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.OIDC_LOGIN:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class AuthenticateView(SingleSignOnOnly, OIDCAuthenticationRequestView):
    """Sends the browser to the identity provider with a fresh state, nonce and PKCE pair."""


class CallbackView(SingleSignOnOnly, OIDCAuthenticationCallbackView):
    """Where the identity provider sends the browser back. Any refusal (a state this session
    did not start, a token that fails its checks, a provider that cannot be reached) ends on
    the login page with a Swedish message; a user whose groups give no role is not logged in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            response: HttpResponse = super().get(request)
        except (SuspiciousOperation, jwt.PyJWTError, requests.RequestException) as error:
            logger.warning("single sign-on refused: %s", error)
            return self.login_failure()
        return response

    def login_success(self) -> HttpResponse:
        if not roles_of(self.user):
            return render(self.request, "registration/no_roles.html", status=403)
        response: HttpResponse = super().login_success()
        return response

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _("Inloggningen via kommunens inloggningstjänst misslyckades. Försök igen."),
        )
        return redirect("login")
