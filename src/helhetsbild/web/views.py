from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from helhetsbild.organisation.permissions import roles_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"roles": sorted(roles_of(request.user))})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


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
