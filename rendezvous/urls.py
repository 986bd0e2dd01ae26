from django.urls import path

from rendezvous import views

app_name = "rendezvous"

urlpatterns = [
    path("", views.LieuxView.as_view(), name="lieux"),
    path("lieu/<int:pk>/", views.ReserverView.as_view(), name="reserver"),
    path("<str:jeton>/", views.DetailView.as_view(), name="detail"),
    path("<str:jeton>/annuler/", views.AnnulerView.as_view(), name="annuler"),
    path("<str:jeton>/deplacer/", views.DeplacerView.as_view(), name="deplacer"),
    path("<str:jeton>/rendez-vous.ics", views.CalendrierView.as_view(), name="ics"),
]
