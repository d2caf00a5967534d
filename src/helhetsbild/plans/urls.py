from django.urls import path

from helhetsbild.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.audits, name="audits"),
    path("importera/", views.audit_import, name="import"),
    path("ny/", views.audit_new, name="new"),
    path("<int:audit_id>/", views.audit, name="audit"),
    path(
        "<int:audit_id>/atgarder.<str:file_format>",
        views.audit_export,
        name="export",
    ),
    path(
        "rekommendationer/<int:recommendation_id>/ny-atgard/",
        views.action_new,
        name="action_new",
    ),
    path("atgarder/", views.actions, name="actions"),
    path("atgarder/<int:action_id>/", views.action, name="action"),
]
