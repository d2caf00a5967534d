from django.urls import path

from helhetsbild.economy import claim_views, views

app_name = "economy"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("atersokning/", claim_views.claims, name="claims"),
    path("atersokning/ansokan/", claim_views.claim_edit, name="claim_edit"),
    path("atersokning/personnummer/", claim_views.claim_person, name="claim_person"),
    path("atersokning/export/", claim_views.claims_download, name="claims_export"),
    path("atersokning/utbetalningar/", claim_views.payments_upload, name="payments_upload"),
]
