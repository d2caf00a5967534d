from django.urls import path

from helhetsbild.economy import claim_views, views

app_name = "economy"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("atersokning/", claim_views.claims, name="claims"),
]
