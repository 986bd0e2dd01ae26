"""The public pages of the project package: home, legal pages, the data·inclusion export, error pages."""

import datetime
import sys

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
from permanences.context_processors import bureau
from permanences.models import Permanence
from permanences.opening_hours import osm_opening_hours
from permanences.planning import permanences_et_fermetures, situation
from permanences.schema import DESCRIPTION, schema_bureau
from porteurs import rgpd

CODE_INSEE_CARCASSONNE = "11069"


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


class DataInclusionView(PagePublique, View):
    """The office as a structure and its service, in the shape of the data·inclusion schema."""

    def parties_cle(self):
        return ("data-inclusion", timezone.localdate(), self.request.get_host())

    def get(self, request):
        contact = bureau()
        aujourd_hui = timezone.localdate()
        permanences, fermetures = permanences_et_fermetures(aujourd_hui, aujourd_hui + datetime.timedelta(weeks=26))
        accueil = [
            p
            for p in permanences
            if p.type == Permanence.Type.ACCUEIL
            and p.valide_du <= aujourd_hui
            and (p.valide_au is None or p.valide_au >= aujourd_hui)
        ]
        horaires = osm_opening_hours(accueil, fermetures)
        site = request.build_absolute_uri(reverse("accueil"))
        lieu = contact.lieu if contact else None
        structure = {
            "id": "citeslab-carcassonne",
            "siret": None,
            "rna": None,
            "nom": contact.nom if contact else "CitésLab Carcassonne",
            "commune": lieu.ville if lieu else "Carcassonne",
            "code_postal": lieu.code_postal if lieu else "11000",
            "code_insee": CODE_INSEE_CARCASSONNE,
            "adresse": lieu.adresse if lieu else None,
            "complement_adresse": None,
            "longitude": float(lieu.longitude) if lieu and lieu.longitude is not None else None,
            "latitude": float(lieu.latitude) if lieu and lieu.latitude is not None else None,
            "typologie": "EPCI",
            "telephone": contact.telephone if contact else None,
            "courriel": contact.email if contact else None,
            "site_web": site,
            "presentation_resume": DESCRIPTION[:280],
            "presentation_detail": None,
            "source": "citeslab-carcassonne",
            "date_maj": aujourd_hui.isoformat(),
            "antenne": False,
            "lien_source": request.build_absolute_uri(reverse("data_inclusion")),
            "horaires_accueil": horaires,
            "accessibilite": None,
            "labels_nationaux": [],
            "labels_autres": ["CitésLab"],
            "thematiques": ["creation-activite"],
        }
        service = {
            "id": "citeslab-carcassonne-accompagnement",
            "structure_id": structure["id"],
            "source": structure["source"],
            "nom": "Accompagnement à l'émergence de projets de création d'entreprise",
            "presentation_resume": DESCRIPTION[:280],
            "presentation_detail": (
                "Le chef de projet CitésLab reçoit sans rendez-vous lors de ses permanences dans les cinq quartiers "
                "prioritaires de Carcassonne, aide à formuler l'idée, propose des ateliers collectifs et oriente vers "
                "les partenaires de la création d'entreprise (ADIE, BGE, CCI, CMA, Initiative Carcassonne…)."
            ),
            "types": ["accompagnement", "atelier", "information"],
            "thematiques": [
                "creation-activite",
                "creation-activite--definir-son-projet-de-creation-dentreprise",
                "creation-activite--structurer-son-projet-de-creation-dentreprise",
                "creation-activite--reseautage-pour-createurs-dentreprise",
            ],
            "prise_rdv": request.build_absolute_uri(reverse("porteurs:contact")),
            "frais": ["gratuit"],
            "frais_autres": None,
            "profils": ["adultes", "jeunes", "demandeurs-demploi", "beneficiaires-rsa", "salaries"],
            "pre_requis": [],
            "cumulable": True,
            "justificatif": [],
            "formulaire_en_ligne": request.build_absolute_uri(reverse("porteurs:contact")),
            "commune": structure["commune"],
            "code_postal": structure["code_postal"],
            "code_insee": CODE_INSEE_CARCASSONNE,
            "adresse": structure["adresse"],
            "complement_adresse": None,
            "longitude": structure["longitude"],
            "latitude": structure["latitude"],
            "recurrence": horaires,
            "date_creation": "2018-03-08",
            "date_suspension": None,
            "lien_source": structure["lien_source"],
            "telephone": structure["telephone"],
            "courriel": structure["courriel"],
            "contact_public": True,
            "contact_nom_prenom": contact.responsable if contact else None,
            "date_maj": structure["date_maj"],
            "modes_accueil": ["en-presentiel", "a-distance"],
            "modes_orientation_accompagnateur": ["telephoner", "envoyer-un-mail"],
            "modes_orientation_beneficiaire": [
                "se-presenter",
                "telephoner",
                "envoyer-un-mail",
                "completer-le-formulaire-dadhesion",
            ],
            "zone_diffusion_type": "commune",
            "zone_diffusion_code": CODE_INSEE_CARCASSONNE,
            "zone_diffusion_nom": "Carcassonne",
            "horaires_accueil": horaires,
        }
        # Each walk-in place is also a point of service of its own, with its address and hours.
        par_lieu = {}
        for permanence in accueil:
            par_lieu.setdefault(permanence.lieu, []).append(permanence)
        services = [service]
        for lieu_permanence, slots in par_lieu.items():
            horaires_lieu = osm_opening_hours(slots, fermetures)
            services.append(
                {
                    **service,
                    "id": f"citeslab-carcassonne-permanence-{lieu_permanence.pk}",
                    "nom": f"Permanence CitésLab – {lieu_permanence.nom}"[:150],
                    "types": ["accueil", "accompagnement"],
                    "modes_accueil": ["en-presentiel"],
                    "commune": lieu_permanence.ville,
                    "code_postal": lieu_permanence.code_postal,
                    "adresse": lieu_permanence.adresse or None,
                    "complement_adresse": lieu_permanence.nom,
                    "longitude": float(lieu_permanence.longitude) if lieu_permanence.longitude is not None else None,
                    "latitude": float(lieu_permanence.latitude) if lieu_permanence.latitude is not None else None,
                    "recurrence": horaires_lieu,
                    "horaires_accueil": horaires_lieu,
                }
            )
        return JsonResponse(
            {"structures": [structure], "services": services},
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )


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
