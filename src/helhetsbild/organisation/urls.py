from django.urls import path

from helhetsbild.organisation import views

# No namespace: mozilla-django-oidc reverses its callback by the plain name.
urlpatterns = [
    path("logga-in/kod/", views.login_code, name="login_code"),
    path("oidc/logga-in/", views.AuthenticateView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", views.CallbackView.as_view(), name="oidc_authentication_callback"),
]
