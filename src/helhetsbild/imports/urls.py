from django.urls import path

from helhetsbild.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("historik/", views.history, name="history"),
    path("omgang/<int:batch_id>/", views.batch_detail, name="batch"),
    path("omgang/<int:batch_id>/rapport.csv", views.batch_report_csv, name="batch_report_csv"),
    path("karantan/", views.quarantine, name="quarantine"),
    path("omgang/<int:batch_id>/karantan.csv", views.quarantine_csv, name="quarantine_csv"),
    path("karantan/<int:row_id>/", views.quarantine_row, name="quarantine_row"),
]
