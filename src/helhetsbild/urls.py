from django.contrib import admin
from django.urls import include, path

from helhetsbild.organisation import views as organisation_views

urlpatterns = [
    path("", include("helhetsbild.web.urls")),
    path("import/", include("helhetsbild.imports.urls")),
    path("register/", include("helhetsbild.register.urls")),
    path("analys/", include("helhetsbild.analysis.urls")),
    path("api/", include("helhetsbild.api.urls")),
    path("ekonomi/", include("helhetsbild.economy.urls")),
    path("mal/", include("helhetsbild.goals.urls")),
    path("granskningar/", include("helhetsbild.plans.urls")),
    path("rapporter/", include("helhetsbild.reports.urls")),
    path("logg/", include("helhetsbild.accesslog.urls")),
    path("", include("helhetsbild.organisation.urls")),
    path("admin/login/", organisation_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]

handler403 = "helhetsbild.web.views.forbidden"
handler404 = "helhetsbild.web.views.not_found"
handler500 = "helhetsbild.web.views.server_error"
