"""« Aujourd'hui »: the chef de projet's page for a permanence day, composed from several apps.

Where he is (today's walk-in permanences, closures applied), who to call back, who is registered for today's
workshop, and one form for a walk-in: the new person and their first follow-up, saved together.

The page is a list of sections (`SECTIONS`): each is a function of the request and the day that returns a
`Section` (a title and a template with its context) or None when it has nothing to say. Appointments booked online
are one of them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.generic import FormView

from ateliers.models import Atelier, Inscription
from permanences.planning import creneau_du_moment, creneaux_du_jour
from porteurs import services
from porteurs.admin_forms import NouveauSuiviMixin, PorteurAdminForm, VerifierDoublonsMixin
from porteurs.models import Porteur
from rendezvous.models import RendezVous

PERMISSIONS = ("porteurs.add_porteur", "porteurs.add_suivi")  # the chef de projet's role (citeslab/roles.py)
RELANCES_MONTREES = 15


@dataclass
class Section:
    ident: str  # the HTML id of the section
    titre: str
    template: str
    contexte: dict = field(default_factory=dict)


@dataclass
class Journee:
    """What the sections share, read once: the day, the time, today's walk-in slots."""

    jour: datetime.date
    maintenant: datetime.datetime  # naive local time
    creneaux: list


def section_permanences(request, journee: Journee) -> Section:
    ouverts = [c for c in journee.creneaux if c.ouvert]
    return Section(
        "ou-aujourdhui",
        "Où je suis aujourd'hui",
        "citeslab/aujourdhui/permanences.html",
        {
            "creneaux": journee.creneaux,
            "en_cours": creneau_du_moment(journee.maintenant, journee.creneaux),
            "aucun_ouvert": not ouverts,
        },
    )


def section_relances(request, journee: Journee) -> Section | None:
    if not request.user.has_perm("porteurs.view_porteur"):
        return None
    queryset = Porteur.objects.a_relancer(journee.jour)
    personnes = list(queryset.order_by("relance_le", "nom", "prenom", "pk")[:RELANCES_MONTREES])
    total = queryset.count() if len(personnes) == RELANCES_MONTREES else len(personnes)
    return Section(
        "a-relancer",
        "À relancer",
        "citeslab/aujourdhui/relances.html",
        {
            "personnes": personnes,
            "total": total,
            "jour": journee.jour,
            "lien_liste": reverse("admin:porteurs_porteur_changelist") + "?a_relancer=oui",
        },
    )


def section_ateliers(request, journee: Journee) -> Section | None:
    if not request.user.has_perm("ateliers.view_inscription"):
        return None
    debut = timezone.make_aware(datetime.datetime.combine(journee.jour, datetime.time()))
    ateliers = list(
        Atelier.objects.filter(debut__gte=debut, debut__lt=debut + datetime.timedelta(days=1))
        .select_related("lieu")
        .prefetch_related(
            Prefetch(
                "inscriptions",
                queryset=Inscription.objects.actives().order_by("statut", "nom", "prenom"),
                to_attr="du_jour",
            )
        )
        .order_by("debut")
    )
    return Section("atelier-du-jour", "Atelier du jour", "citeslab/aujourdhui/ateliers.html", {"ateliers": ateliers})


def section_rendez_vous(request, journee: Journee) -> Section | None:
    if not request.user.has_perm("rendezvous.view_rendezvous"):
        return None
    return Section(
        "rendez-vous-du-jour",
        "Rendez-vous du jour",
        "citeslab/aujourdhui/rendez_vous.html",
        {
            "rendez_vous": list(RendezVous.objects.du_jour(journee.jour)),
            "lien_liste": reverse("admin:rendezvous_rendezvous_changelist") + f"?date={journee.jour.isoformat()}",
        },
    )


SECTIONS: list[Callable[..., Section | None]] = [
    section_permanences,
    section_rendez_vous,
    section_relances,
    section_ateliers,
]


CHAMPS_PERSONNE = ("prenom", "nom", "telephone", "email", "quartier", "genre", "idee")


class AccueilForm(VerifierDoublonsMixin, NouveauSuiviMixin, PorteurAdminForm):
    """A walk-in: who they are (the essentials) and what was said (their first follow-up)."""

    creer_malgre_doublon = forms.BooleanField(
        label="C'est une autre personne : créer la fiche quand même",
        required=False,
        help_text="À cocher seulement si aucune des fiches proposées n'est cette personne.",
    )

    class Meta(PorteurAdminForm.Meta):
        fields = list(CHAMPS_PERSONNE)

    def __init__(self, *args, lieu=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["date_changement_etape"], self.fields["commentaire_etape"]
        self.preparer_suivi(lieu=lieu)
        self.fields["idee"].widget.attrs["rows"] = 2
        self.fields["suivi_notes"].widget.attrs["rows"] = 2

    def clean(self):
        cleaned_data = super().clean()
        self.verifier_doublons(cleaned_data)
        return cleaned_data

    def champs_personne(self):
        return [self[name] for name in CHAMPS_PERSONNE]

    def champs_du_suivi(self):
        return [self[f"suivi_{name}"] for name in self.CHAMPS_SUIVI]


class AujourdhuiView(FormView):
    template_name = "citeslab/aujourdhui/page.html"
    form_class = AccueilForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perms(PERMISSIONS):
            raise PermissionDenied
        maintenant = timezone.localtime().replace(tzinfo=None)
        self.journee = Journee(
            jour=maintenant.date(), maintenant=maintenant, creneaux=creneaux_du_jour(maintenant.date())
        )
        self.creneau = creneau_du_moment(maintenant, self.journee.creneaux)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "lieu": self.creneau.lieu if self.creneau else None}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            admin.site.each_context(self.request),
            title=f"Aujourd'hui, {self.journee.jour:%d/%m/%Y}",
            jour=self.journee.jour,
            sections=[s for s in (fonction(self.request, self.journee) for fonction in SECTIONS) if s is not None],
        )
        return context

    def form_valid(self, form):
        suivi = form.champs_suivi()
        if self.creneau and suivi["lieu"] == self.creneau.lieu and suivi["date"] == self.creneau.date:
            suivi["permanence"] = self.creneau.permanence
        personne = {name: form.cleaned_data[name] for name in CHAMPS_PERSONNE}
        try:
            porteur, _ = services.accueillir(
                auteur=self.request.user,
                porteur={
                    **personne,
                    "source": Porteur.Source.PERMANENCE,
                    "date_premier_contact": suivi["date"],
                },
                suivi=suivi,
            )
        except ValidationError as exc:
            for name, erreurs in exc.message_dict.items():
                cible = name if name in form.fields else f"suivi_{name}" if f"suivi_{name}" in form.fields else None
                form.add_error(cible, erreurs)
            return self.form_invalid(form)
        lien = reverse("admin:porteurs_porteur_change", args=[porteur.pk])
        messages.success(
            self.request, format_html('Fiche et premier suivi enregistrés : <a href="{}">{}</a>.', lien, porteur)
        )
        return redirect("aujourdhui")
