"""The public pages of the project package: home, legal pages, the data·inclusion export, error pages."""

import datetime
import sys

from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.generic import RedirectView, TemplateView, View

from ateliers.models import Atelier
from citeslab import middleware
from citeslab.core.cache import PagePublique, memoriser
from citeslab.core.json_ld import json_ld
from financement.models import Contribution, Convention
from permanences import data_inclusion
from permanences.context_processors import bureau
from permanences.models import Permanence
from permanences.planning import creneaux, permanences_et_fermetures, situation
from permanences.schema import schema_bureau
from porteurs import rgpd


def financement_en_vigueur(jour: datetime.date) -> dict | None:
    """The convention in force on the day and its contributions, in one query; None when none is in force.

    A convention that has ended is never shown as current: the press kit's 2018–2020 one was still
    named on the home page in 2026 when this looked for "the latest one" as a fallback.
    """

    def charger():
        convention = Convention.objects.en_vigueur(jour).order_by("-debut").values("pk")[:1]
        contributions = list(
            Contribution.objects.filter(convention__in=convention).select_related("financeur", "convention")
        )
        if not contributions:
            return False
        return {"convention": contributions[0].convention, "contributions": contributions}

    return memoriser(f"financement-{jour.isoformat()}", charger) or None


class AccueilView(PagePublique, TemplateView):
    template_name = "citeslab/accueil.html"

    def parties_cle(self):
        return ("accueil", timezone.localdate())

    def expire_dans(self):
        return int((self.expire_a - self.maintenant).total_seconds())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.maintenant = timezone.localtime().replace(tzinfo=None)
        aujourd_hui = self.maintenant.date()
        permanences, fermetures = permanences_et_fermetures(aujourd_hui, aujourd_hui + datetime.timedelta(weeks=8))
        etat = situation(self.maintenant, permanences=permanences, fermetures=fermetures)
        self.expire_a = etat.expire_a
        en_vigueur = [
            p
            for p in permanences
            if p.valide_du <= aujourd_hui and (p.valide_au is None or p.valide_au >= aujourd_hui)
        ]
        context.update(
            {
                "situation": etat,
                "maintenant": self.maintenant,
                "ateliers": list(Atelier.objects.publics().a_venir().select_related("lieu")[:3]),
                "financement": financement_en_vigueur(aujourd_hui),
                "json_ld": json_ld(schema_bureau(self.request, bureau(), en_vigueur)),
            }
        )
        return context


def heure_en_mots(heure: datetime.time) -> str:
    """« 9 heures », « 14 heures 30 »: the easy-to-read page writes no abbreviation, not even « h »."""
    return f"{heure.hour} heure{'s' if heure.hour > 1 else ''}" + (f" {heure.minute}" if heure.minute else "")


# The press kit's place names use abbreviations the easy-to-read page must spell out.
ABREVIATIONS = {"FJT": "Foyer de jeunes travailleurs"}


def sans_abreviation(texte: str) -> str:
    return " ".join(ABREVIATIONS.get(mot, mot) for mot in texte.split(" "))


class FacileALireView(PagePublique, TemplateView):
    """The CitésLab, where and when to come in the next seven days, and how to come, in easy-to-read French."""

    template_name = "citeslab/facile_a_lire.html"
    jours = 7

    def parties_cle(self):
        return ("facile-a-lire", timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        aujourd_hui = timezone.localdate()
        fin = aujourd_hui + datetime.timedelta(days=self.jours - 1)
        permanences, fermetures = permanences_et_fermetures(aujourd_hui, fin)
        accueil = [p for p in permanences if p.type == Permanence.Type.ACCUEIL]
        par_jour = {}
        for creneau in creneaux(aujourd_hui, fin, permanences=accueil, fermetures=fermetures):
            par_jour.setdefault(creneau.date, []).append(
                {
                    "creneau": creneau,
                    "de": heure_en_mots(creneau.permanence.debut),
                    "a": heure_en_mots(creneau.permanence.fin),
                    "lieu": sans_abreviation(creneau.lieu.nom) if creneau.lieu else "",
                }
            )
        context["jours"] = [
            {"date": jour, "aujourd_hui": jour == aujourd_hui, "creneaux": lignes}
            for jour, lignes in sorted(par_jour.items())
        ]
        return context


class PageLegale(PagePublique, TemplateView):
    def parties_cle(self):
        return (self.template_name,)


class MentionsLegalesView(PageLegale):
    template_name = "citeslab/mentions_legales.html"


class DonneesPersonnellesView(PageLegale):
    template_name = "citeslab/donnees_personnelles.html"

    def get_context_data(self, **kwargs):
        # The period the purge applies, so the page never promises another one.
        return {**super().get_context_data(**kwargs), "conservation": rgpd.duree_conservation_texte()}


class AccessibiliteView(PageLegale):
    """The déclaration d'accessibilité in the RGAA 4.1 model; the footer of every public page links to it."""

    template_name = "citeslab/accessibilite.html"
    # Set again when the statement changes: a new audit, new pages checked, a non-conformity fixed.
    date_declaration = datetime.date(2026, 11, 26)
    # The pages tests/browser checks with axe-core: the statement names no page the suite does not check.
    pages_verifiees = [
        ("Accueil", "accueil"),
        ("Facile à lire", "facile_a_lire"),
        ("Permanences de la semaine", "permanences:semaine"),
        ("Prendre rendez-vous (le choix du lieu)", "rendezvous:lieux"),
        ("J'ai un projet (formulaire, et le même avec des erreurs)", "porteurs:contact"),
        ("Message envoyé", "porteurs:merci"),
        ("Mentions légales", "mentions_legales"),
        ("Données personnelles", "donnees_personnelles"),
        ("Déclaration d'accessibilité", "accessibilite"),
    ]

    def get_context_data(self, **kwargs):
        contact = bureau()
        return {
            **super().get_context_data(**kwargs),
            "date_declaration": self.date_declaration,
            "editeur": contact.structure_porteuse if contact else "Carcassonne Agglo",
            "adresse_du_site": self.request.build_absolute_uri(reverse("accueil")),
            "pages_verifiees": [(nom, reverse(url)) for nom, url in self.pages_verifiees],
        }


class DataInclusionView(PagePublique, View):
    """The office, its service and its walk-in places in data·inclusion's schema v1, as DORA reads it.

    The pre-v1 shape is not kept beside it: nothing read it but the tests, and the national directory
    rejected every one of its services.
    """

    def parties_cle(self):
        return ("data-inclusion", timezone.localdate(), self.request.get_host())

    def get(self, request):
        aujourd_hui = timezone.localdate()
        permanences, fermetures = permanences_et_fermetures(aujourd_hui, aujourd_hui + datetime.timedelta(weeks=26))
        accueil = [
            p
            for p in permanences
            if p.type == Permanence.Type.ACCUEIL
            and p.valide_du <= aujourd_hui
            and (p.valide_au is None or p.valide_au >= aujourd_hui)
        ]
        liens = data_inclusion.Liens(
            site=request.build_absolute_uri(reverse("accueil")),
            rendez_vous=settings.SITE_URL.rstrip("/") + reverse("rendezvous:lieux"),
            contact=request.build_absolute_uri(reverse("porteurs:contact")),
        )
        export = data_inclusion.export_v1(
            contact=bureau(), accueil=accueil, fermetures=fermetures, aujourd_hui=aujourd_hui, liens=liens
        )
        return JsonResponse(export, json_dumps_params={"ensure_ascii": False, "indent": 2})


def page_not_found(request, exception):
    try:
        contact = bureau()
    except Exception:  # noqa: BLE001 - a 404 page must render even when the database is down
        contact = None
    return render(request, "404.html", {"bureau": contact}, status=404)


def server_error(request):
    # Django calls this handler while the exception is being handled, whichever layer raised it: a middleware
    # that read the session from a database that is down lands here, not in the 503 middleware.
    exception = sys.exc_info()[1]
    if isinstance(exception, DatabaseError) and middleware._database_down():
        return middleware.service_indisponible()
    # No database, no context processors that could fail again: the page is static.
    return render(request, "500.html", status=500)


def bad_request(request, exception):
    return render(request, "400.html", status=400)


class FaviconView(RedirectView):
    """Browsers ask /favicon.ico on pages that name no icon (the admin's): a 404 in every staff console otherwise."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.svg")
