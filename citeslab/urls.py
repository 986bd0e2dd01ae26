from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from ateliers.views import CalendrierView
from citeslab.security import DeuxFacteursView, healthz

admin.site.site_header = "CitésLab Carcassonne — administration"
admin.site.site_title = "CitésLab Carcassonne"
admin.site.index_title = "Tableau de bord"

urlpatterns = [
    path("", TemplateView.as_view(template_name="citeslab/accueil.html"), name="accueil"),
    path("compte/double-authentification/", DeuxFacteursView.as_view(), name="deux_facteurs"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("ateliers/", include("ateliers.urls")),
    path("ateliers.ics", CalendrierView.as_view(), name="ateliers_ics"),
]
