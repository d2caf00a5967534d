"""Version 1 of the API; a change that breaks a BI report gets a v2 beside it."""

from django.urls import path

from helhetsbild.api import views

app_name = "api"
urlpatterns = [
    path("v1/openapi.json", views.openapi, name="openapi"),
    path("v1/indicators", views.indicator_list, name="indicators"),
    path("v1/indicators/<str:indicator_id>", views.indicator_detail, name="indicator"),
    path(
        "v1/indicators/<str:indicator_id>/results",
        views.indicator_results,
        name="indicator_results",
    ),
    path("v1/results", views.results, name="results"),
]
