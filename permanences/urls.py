from django.urls import path

from permanences.feeds import PermanencesIcsView
from permanences.views import AffichePdfView, AfficheView, SemaineView

app_name = "permanences"

urlpatterns = [
    path("permanences/", SemaineView.as_view(), name="semaine"),
    path("permanences.ics", PermanencesIcsView.as_view(), name="ics"),
    path("permanences/affiche/", AfficheView.as_view(), name="affiche"),
    path("permanences/affiche.pdf", AffichePdfView.as_view(), name="affiche_pdf"),
]
