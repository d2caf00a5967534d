from django.urls import path

from helhetsbild.register import views

app_name = "register"
urlpatterns = [
    path("<str:committee_code>/", views.persons, name="persons"),
    path("<str:committee_code>/person/<int:person_id>/", views.person_detail, name="person"),
]
