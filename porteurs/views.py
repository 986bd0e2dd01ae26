"""The public "j'ai un projet" form: a resident leaves their details, the chef de projet calls back."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from citeslab.core.cache import PagePublique
from permanences.planning import creneaux, jour_ferie
from porteurs.forms import ContactForm
from porteurs.models import Etape, Porteur
from porteurs.services import creer_porteur

DELAI_RAPPEL_JOURS_OUVRES = 2


def jour_de_rappel(aujourd_hui: datetime.date, jours_ouvres: int = DELAI_RAPPEL_JOURS_OUVRES) -> datetime.date:
    """The date by which the chef de projet calls back: n working days later (no weekend, no public holiday)."""
    jour = aujourd_hui
    while jours_ouvres:
        jour += datetime.timedelta(days=1)
        if jour.weekday() < 5 and not jour_ferie(jour):
            jours_ouvres -= 1
    return jour


class ContactView(FormView):
    template_name = "porteurs/contact.html"
    form_class = ContactForm
    success_url = reverse_lazy("porteurs:merci")

    def form_valid(self, form):
        if form.est_un_robot:
            # Same answer as a success, so that the bot learns nothing; nothing is stored.
            return redirect(self.get_success_url())
        try:
            creer_porteur(
                **form.champs_porteur(),
                etape=Etape.EMERGENCE,
                source=Porteur.Source.SITE_WEB,
                date_premier_contact=timezone.localdate(),
                relance_le=timezone.localdate(),
                consentement_le=timezone.now(),
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
            return self.form_invalid(form)
        return redirect(self.get_success_url())


class MerciView(PagePublique, TemplateView):
    template_name = "porteurs/merci.html"

    def parties_cle(self):
        return ("merci", timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        maintenant = timezone.localtime().replace(tzinfo=None)
        aujourd_hui = maintenant.date()
        context["rappel_le"] = jour_de_rappel(aujourd_hui)
        context["prochaines"] = [
            c
            for c in creneaux(aujourd_hui, aujourd_hui + datetime.timedelta(weeks=3))
            if c.ouvert and c.lieu is not None and c.debut > maintenant
        ][:2]
        return context
