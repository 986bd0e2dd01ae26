"""The reports page (/bilan/, /bilan/<year>/) and its downloads. Aggregates only, for Agglo and the chef de projet."""

import io

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from citeslab.bilan.donnees import formater
from citeslab.bilan.fichiers import FORMATS_BILAN, ecrire_bilan, nom_fichier_bilan
from citeslab.bilan.graphiques import barres
from citeslab.bilan.sections import construire_bilan
from citeslab.core import audit
from citeslab.core.exports import CONTENT_TYPES
from permanences.models import PREMIERE_ANNEE


class BilanAccessMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "citeslab.view_bilan"
    # Logged in without the permission: 403, not a loop back to the login page.
    raise_exception = False

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()

    def get_annee(self) -> int:
        annee = self.kwargs["annee"]
        if not PREMIERE_ANNEE <= annee <= timezone.localdate().year:
            raise Http404("Pas de bilan pour cette année.")
        return annee


class BilanIndexView(BilanAccessMixin, View):
    """/bilan/ opens the last full year (the one the comité de pilotage reviews)."""

    def get(self, request):
        annee = max(PREMIERE_ANNEE, timezone.localdate().year - 1)
        return redirect("bilan:annee", annee=annee)


class BilanView(BilanAccessMixin, TemplateView):
    template_name = "bilan/bilan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bilan = construire_bilan(self.get_annee())
        context["bilan"] = bilan
        context["tableaux"] = [
            {
                "tableau": tableau,
                "id": f"t{n}",
                "cellules": tableau.cellules_formatees(),
                "graphique": barres(tableau, f"g{n}", formater),
            }
            for n, tableau in enumerate(bilan.tableaux)
        ]
        aujourd_hui = timezone.localdate()
        context["annees"] = range(aujourd_hui.year, PREMIERE_ANNEE - 1, -1)
        # The current year is a year so far: said plainly, or its figures read as a drop against a full year.
        context["arrete_le"] = aujourd_hui if bilan.annee == aujourd_hui.year else None
        context["formats"] = FORMATS_BILAN
        return context


class BilanDownloadView(BilanAccessMixin, View):
    def get(self, request, annee, fmt):
        if fmt not in FORMATS_BILAN:
            raise Http404("Format inconnu.")
        sortie = io.BytesIO()
        ecrire_bilan(construire_bilan(self.get_annee()), fmt, sortie)
        nom = nom_fichier_bilan(annee, fmt)
        audit.export(request, f"bilan {annee}", fmt)
        response = HttpResponse(sortie.getvalue(), content_type=CONTENT_TYPES["zip" if fmt == "csv" else fmt])
        response["Content-Disposition"] = f'attachment; filename="{nom}"'
        return response
