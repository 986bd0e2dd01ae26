from django.urls import path

from citeslab import bilan_views

app_name = "bilan"

urlpatterns = [
    path("", bilan_views.BilanIndexView.as_view(), name="index"),
    path("<int:annee>/", bilan_views.BilanView.as_view(), name="annee"),
    path("<int:annee>/telecharger/<str:fmt>/", bilan_views.BilanDownloadView.as_view(), name="telecharger"),
]
