from django.urls import path

from helhetsbild.goals import views

app_name = "goals"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("nytt/", views.goal_add, name="goal_add"),
    path("<int:goal_id>/", views.goal, name="goal"),
    path("<int:goal_id>/rod-trad/", views.red_thread, name="thread"),
    path("<int:goal_id>/indikatorer/ny/", views.indicator_add, name="indicator_add"),
    path("<int:goal_id>/bedomning/", views.assess, name="assess"),
    path("indikatorer/<int:goal_indicator_id>/malvarde/", views.target_set, name="target_set"),
    path("indikatorer/<int:goal_indicator_id>/utfall/", views.outcome_add, name="outcome_add"),
    path("ar/<int:year>/kopiera/", views.year_copy, name="year_copy"),
    path("ar/<int:year>/stang/", views.period_close, name="period_close"),
]
