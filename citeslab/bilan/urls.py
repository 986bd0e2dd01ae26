from django.urls import path

from citeslab.bilan import views

app_name = "bilan"

urlpatterns = [
    path("", views.BilanIndexView.as_view(), name="index"),
    path("<int:annee>/", views.BilanView.as_view(), name="annee"),
    path("<int:annee>/telecharger/<str:fmt>/", views.BilanDownloadView.as_view(), name="telecharger"),
]
