from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("helhetsbild.web.urls")),
    path("import/", include("helhetsbild.imports.urls")),
    path("register/", include("helhetsbild.register.urls")),
    path("analys/", include("helhetsbild.analysis.urls")),
    path("api/", include("helhetsbild.api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "helhetsbild.web.views.forbidden"
handler404 = "helhetsbild.web.views.not_found"
handler500 = "helhetsbild.web.views.server_error"
