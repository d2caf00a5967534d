from django.urls import path  # noqa: F401  (the pages add their routes here)

from helhetsbild.analysis import journey_views, views

app_name = "analysis"

urlpatterns: list = [
    path("resan/", journey_views.journey_page, name="journey"),
    path("resan/enskild/", journey_views.journey_open, name="journey_open"),
    path("", views.overview, name="overview"),
    path("indikatorer/", views.catalogue, name="catalogue"),
    path("indikatorer/<slug:indicator_id>/", views.indicator, name="indicator"),
    path("indikatorer/<slug:indicator_id>/<str:file_format>", views.download, name="download"),
]
