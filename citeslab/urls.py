from django.contrib import admin
from django.urls import include, path

from ateliers.views import CalendrierView
from citeslab import views
from citeslab.aujourdhui import AujourdhuiView
from citeslab.security import CodesDeSecoursView, DeuxFacteursView, healthz

# Titles of the admin: citeslab.core.admin.SiteFrancais.
# On a 1366 px laptop the sidebar (a copy of the index) pushed the lists' last columns, "à relancer le" and
# the attendance boxes, off screen; breadcrumbs and the index already lead everywhere.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", views.AccueilView.as_view(), name="accueil"),
    path("mentions-legales/", views.MentionsLegalesView.as_view(), name="mentions_legales"),
    path("donnees-personnelles/", views.DonneesPersonnellesView.as_view(), name="donnees_personnelles"),
    path("accessibilite/", views.AccessibiliteView.as_view(), name="accessibilite"),
    path("facile-a-lire/", views.FacileALireView.as_view(), name="facile_a_lire"),
    path("api/data-inclusion.json", views.DataInclusionView.as_view(), name="data_inclusion"),
    path("", include("permanences.urls")),
    path("", include("porteurs.urls")),
    path("compte/double-authentification/", DeuxFacteursView.as_view(), name="deux_facteurs"),
    path("compte/codes-de-secours/", CodesDeSecoursView.as_view(), name="codes_de_secours"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", views.FaviconView.as_view(), name="favicon"),
    path("admin/aujourdhui/", admin.site.admin_view(AujourdhuiView.as_view()), name="aujourdhui"),
    path("admin/", admin.site.urls),
    path("bilan/", include("citeslab.bilan.urls")),
    path("ateliers/", include("ateliers.urls")),
    path("ateliers.ics", CalendrierView.as_view(), name="ateliers_ics"),
    path("rendez-vous/", include("rendezvous.urls")),
]

handler400 = "citeslab.views.bad_request"
handler404 = "citeslab.views.page_not_found"
handler500 = "citeslab.views.server_error"
