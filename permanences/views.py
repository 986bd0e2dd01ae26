import datetime
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from django_ratelimit.core import is_ratelimited

from citeslab.core.cache import PagePublique
from citeslab.core.client import cle_limite
from citeslab.core.json_ld import json_ld
from citeslab.core.pdf import pdf_sur_une_page
from permanences.activites import activites_entre
from permanences.affiche import SEMAINE_TYPE, contenu_affiche
from permanences.context_processors import bureau
from permanences.models import PREMIERE_ANNEE, Permanence
from permanences.opening_hours import osm_opening_hours
from permanences.planning import (
    creneaux,
    format_semaine,
    jour_ferie,
    lignes_de_la_semaine,
    lundi,
    permanences_et_fermetures,
    semaine_iso,
)
from permanences.schema import schema_bureau


def semaine_demandee(valeur: str, aujourd_hui: datetime.date) -> datetime.date:
    """The Monday of `?semaine=2026-W49`, or a French 404 for anything else."""
    try:
        debut = semaine_iso(valeur)
    except ValueError:
        raise Http404("Semaine inconnue : écrivez-la sous la forme 2026-W49.") from None
    # Bounded, so that crawlers cannot fill the cache with centuries of empty weeks.
    if not PREMIERE_ANNEE <= debut.year <= aujourd_hui.year + 2:
        raise Http404("Cette semaine est en dehors du planning publié.")
    return debut


class SemaineView(PagePublique, TemplateView):
    """The weekly table of the press kit for one week (`?semaine=2026-W49`), closures in place of slots."""

    template_name = "permanences/semaine.html"

    def dispatch(self, request, *args, **kwargs):
        aujourd_hui = timezone.localdate()
        self.cette_semaine = lundi(aujourd_hui)
        valeur = request.GET.get("semaine")
        self.debut = semaine_demandee(valeur, aujourd_hui) if valeur else self.cette_semaine
        return super().dispatch(request, *args, **kwargs)

    def parties_cle(self):
        return ("semaine", self.debut, timezone.localdate(), self.request.get_host())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        debut, fin = self.debut, self.debut + datetime.timedelta(days=6)
        permanences, fermetures = permanences_et_fermetures(debut, fin)
        semaine = creneaux(debut, fin, permanences=permanences, fermetures=fermetures)

        lignes = lignes_de_la_semaine(debut, semaine, activites_entre(debut, fin), aujourd_hui=timezone.localdate())

        accueil = [p for p in permanences if p.type == Permanence.Type.ACCUEIL]
        lieux = {}
        for permanence in accueil:
            lieux.setdefault(permanence.lieu, []).append(permanence)
        quartiers = {}
        for lieu, slots in lieux.items():
            quartiers.setdefault(lieu.quartier, []).extend(slots)

        precedente = format_semaine(debut - datetime.timedelta(weeks=1))
        suivante = format_semaine(debut + datetime.timedelta(weeks=1))
        base = reverse("permanences:semaine")
        context.update(
            {
                "debut": debut,
                "fin": debut + datetime.timedelta(days=4),
                "est_cette_semaine": debut == self.cette_semaine,
                "lignes": lignes,
                "fermetures": fermetures,
                "feries": [
                    (ligne["date"], jour_ferie(ligne["date"])) for ligne in lignes if jour_ferie(ligne["date"])
                ],
                "lieux": [
                    {
                        "lieu": lieu,
                        "permanences": sorted(slots, key=lambda p: (p.jour, p.debut)),
                        "osm": osm_opening_hours(slots),
                    }
                    for lieu, slots in sorted(lieux.items(), key=lambda item: min((p.jour, p.debut) for p in item[1]))
                ],
                "quartiers": [
                    {"quartier": quartier, "permanences": sorted(slots, key=lambda p: (p.jour, p.debut))}
                    for quartier, slots in sorted(
                        quartiers.items(), key=lambda item: (item[0] is None, item[0].ordre if item[0] else 0)
                    )
                ],
                "lien_precedente": (
                    f"{base}?semaine={precedente}"
                    if (debut - datetime.timedelta(weeks=1)).year >= PREMIERE_ANNEE
                    else None
                ),
                "lien_suivante": (
                    f"{base}?semaine={suivante}"
                    if (debut + datetime.timedelta(weeks=1)).year <= self.cette_semaine.year + 2
                    else None
                ),
                "lien_cette_semaine": base,
                "lien_affiche": f"{reverse('permanences:affiche')}?semaine={format_semaine(debut)}",
                "osm_horaires": osm_opening_hours(accueil),
                "json_ld": json_ld(schema_bureau(self.request, bureau(), permanences)),
            }
        )
        return context


class AfficheMixin:
    """`?semaine=2026-W49` for a dated week, `?semaine=type` for the standard week, nothing for this week."""

    def dispatch(self, request, *args, **kwargs):
        aujourd_hui = timezone.localdate()
        valeur = request.GET.get("semaine", "")
        if valeur == SEMAINE_TYPE:
            self.debut = None
        else:
            self.debut = semaine_demandee(valeur, aujourd_hui) if valeur else lundi(aujourd_hui)
        return super().dispatch(request, *args, **kwargs)

    def parties_cle(self):
        return (self.template_name, self.debut, timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(contenu_affiche(debut=self.debut, aujourd_hui=timezone.localdate()))
        parametre = SEMAINE_TYPE if self.debut is None else format_semaine(self.debut)
        context["lien_pdf"] = f"{reverse('permanences:affiche_pdf')}?semaine={parametre}"
        cette_semaine = lundi(timezone.localdate())
        context["choix"] = [
            (libelle, f"{reverse('permanences:affiche')}?semaine={valeur}", valeur == parametre)
            for libelle, valeur in (
                ("Cette semaine", format_semaine(cette_semaine)),
                ("La semaine prochaine", format_semaine(cette_semaine + datetime.timedelta(weeks=1))),
                ("La semaine type", SEMAINE_TYPE),
            )
        ]
        return context


class AfficheView(AfficheMixin, PagePublique, TemplateView):
    """The A4 poster for the social centres' notice boards, printed from the browser (print stylesheet)."""

    template_name = "permanences/affiche.html"


# How many versions of the poster, each tighter than the one before, the PDF may try (.affiche-serrage-N).
SERRAGES = 3
# PDFs laid out for one address in a minute; the posters already in the cache are not counted.
RENDUS_PAR_ADRESSE = "10/m"


class AffichePdfView(AfficheMixin, PagePublique, TemplateView):
    """The same poster as a one-page A4 PDF (WeasyPrint), rendered once per week and data version."""

    template_name = "permanences/affiche_pdf.html"

    def render_to_response(self, context, **response_kwargs):
        # Counted on renders only (a cached poster costs nothing): a crawler walking every week of the published
        # range would otherwise keep both cores busy laying out PDFs.
        if is_ratelimited(
            self.request, group="permanences.affiche_pdf", key=cle_limite, rate=RENDUS_PAR_ADRESSE, increment=True
        ):
            response = render(self.request, "permanences/affiche_patientez.html", status=429)
            response["Retry-After"] = "60"
            return response
        # A week of long workshop titles and closures may run over: tighter versions (affiche.css) until it fits.
        versions = (
            render_to_string(self.template_name, {**context, "serrage": serrage}, request=self.request)
            for serrage in range(SERRAGES)
        )
        pdf = pdf_sur_une_page(versions, feuilles=[Path(finders.find("css/affiche.css"))])
        nom = "semaine-type" if self.debut is None else format_semaine(self.debut)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="affiche-citeslab-{nom}.pdf"'
        return response
