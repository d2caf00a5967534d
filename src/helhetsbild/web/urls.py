from django.contrib.auth import views as auth_views
from django.urls import path

from helhetsbild.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
]
