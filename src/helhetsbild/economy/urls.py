from django.urls import path

from helhetsbild.economy import views

app_name = "economy"
urlpatterns = [
    path("", views.overview, name="overview"),
]
