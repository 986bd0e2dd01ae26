"""The public "j'ai un projet" form: a resident leaves their details, the chef de projet calls back."""

import datetime
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from citeslab.core.cache import PagePublique
from citeslab.core.client import cle_limite
from permanences.planning import creneaux, jour_ferie
from porteurs.forms import ContactForm
from porteurs.models import Etape, Porteur
from porteurs.services import creer_porteur, relancer_si_deja_venu

DELAI_RAPPEL_JOURS_OUVRES = 2


def messages_par_adresse(group, request) -> str:
    # A callable, read at each request: 5 a minute until settings.py names the rate, and tests can change it.
    return getattr(settings, "CONTACT_PAR_ADRESSE", "5/m")


LIMITE_CONTACT = {"group": "porteurs.contact", "key": cle_limite, "rate": messages_par_adresse, "method": "POST"}


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

    # Counted per client address, valid or not, as the workshop registrations: a script is stopped either way.
    @method_decorator(ratelimit(**LIMITE_CONTACT, block=False))
    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            usage = get_usage(request, **LIMITE_CONTACT) or {}
            attente = usage.get("time_left", 0)
            if attente <= 0:  # the cache did not answer: django-ratelimit refuses without a window
                attente = 60
            response = render(
                request, "porteurs/trop_de_messages.html", {"minutes": math.ceil(attente / 60)}, status=429
            )
            response["Retry-After"] = str(attente)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if form.est_un_robot:
            # Same answer as a success, so that the bot learns nothing; nothing is stored.
            return redirect(self.get_success_url())
        deja_venu = relancer_si_deja_venu(
            **{champ: form.cleaned_data[champ] for champ in ("prenom", "nom", "telephone", "email")}
        )
        if deja_venu:
            # The same thank-you page as a first message: the form never tells whether someone is known.
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
