from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helhetsbild.organisation.auth import SecondFactor, login_pending_start, second_factor
from helhetsbild.organisation.permissions import roles_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"roles": sorted(roles_of(request.user))})


class LoginView(auth_views.LoginView):
    """The password form where this installation allows it, with the code after it for users
    who have a second factor; the link to single sign-on where that is configured."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_LOGIN:
            return HttpResponseNotAllowed(["GET"])
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            password_login=settings.PASSWORD_LOGIN, single_sign_on=settings.OIDC_LOGIN, **kwargs
        )

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        factor = second_factor(user)
        if factor is SecondFactor.MISSING:
            form.add_error(
                None,
                _(
                    "Ditt konto kräver en kod från en kodgenerator, men ingen är registrerad. "
                    "Kontakta systemförvaltaren."
                ),
            )
            return self.form_invalid(form)
        if factor is SecondFactor.NEEDED:
            backend = user.backend  # type: ignore[attr-defined]  # set by authenticate()
            login_pending_start(
                self.request, user=user, backend=backend, next_url=self.get_success_url()
            )
            return redirect("login_code")
        return super().form_valid(form)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"title": _("Åtkomst nekad"), "code": 403}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request, "web/error.html", {"title": _("Sidan finns inte"), "code": 404}, status=404
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/error.html", {"title": _("Något gick fel"), "code": 500}, status=500
    )
