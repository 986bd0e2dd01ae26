from django.urls import path

from ateliers import views

app_name = "ateliers"

urlpatterns = [
    path("", views.AtelierListView.as_view(), name="liste"),
    path("<int:pk>/", views.AtelierDetailView.as_view(), name="detail"),
    path("<int:pk>.ics", views.AtelierCalendrierView.as_view(), name="ics"),
    path("inscription/<str:jeton>/", views.InscriptionView.as_view(), name="inscription"),
    path("inscription/<str:jeton>/annuler/", views.AnnulationView.as_view(), name="annulation"),
]
