from django.urls import path

from helhetsbild.accesslog import views

app_name = "accesslog"
urlpatterns = [
    path("", views.review, name="review"),
    path("stickprov/", views.samples, name="samples"),
    path("stickprov/<int:year>/<int:month>/", views.month_sample, name="month"),
    path("registrerad/", views.subject_report, name="subject_report"),
]
