from django.urls import path

from permanences.feeds import PermanencesIcsView
from permanences.views import SemaineView

app_name = "permanences"

urlpatterns = [
    path("permanences/", SemaineView.as_view(), name="semaine"),
    path("permanences.ics", PermanencesIcsView.as_view(), name="ics"),
]
