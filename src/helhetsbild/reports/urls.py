from django.urls import path

from helhetsbild.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("ny/", views.report_new, name="create"),
    path("<int:report_id>/", views.report, name="report"),
    path("<int:report_id>/rapport.<str:file_format>", views.download, name="download"),
    path("<int:report_id>/avsnitt/<str:key>/", views.mark, name="mark"),
    path("<int:report_id>/arkivera/", views.archive, name="archive"),
]
