"""Booking an appointment on a phone, without an account and without JavaScript: a place, a time, who comes."""

import math

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from citeslab.core.client import cle_limite
from citeslab.core.sms import peut_recevoir_un_sms
from permanences.models import Lieu
from rendezvous import creneaux, feeds, services, signatures
from rendezvous.forms import HoraireForm, ReservationForm
from rendezvous.messages import url_absolue
from rendezvous.models import RendezVous


def par_adresse(group, request) -> str:
    # Read at each request, so tests and the environment can change it.
    return getattr(settings, "RENDEZVOUS_PAR_ADRESSE", "5/m")


LIMITE = {"group": "rendezvous.reserver", "key": cle_limite, "rate": par_adresse, "method": "POST"}


def trop_de_demandes(request):
    usage = get_usage(request, **LIMITE) or {}
    attente = usage.get("time_left", 0)
    if attente <= 0:  # the cache did not answer: django-ratelimit refuses without a window
        attente = 60
    response = render(request, "rendezvous/trop_de_demandes.html", {"minutes": math.ceil(attente / 60)}, status=429)
    response["Retry-After"] = str(attente)
    return response


def lieux_avec_horaires(horaires):
    """[(lieu, number of free times, first free time)] in the order of the first free time."""
    lieux = {}
    for horaire in horaires:
        nombre, premier = lieux.get(horaire.lieu, (0, horaire))
        lieux[horaire.lieu] = (nombre + 1, premier)
    return [(lieu, nombre, premier) for lieu, (nombre, premier) in lieux.items()]


class LieuxView(View):
    """Step 1: the places that take appointments in the coming weeks, with their first free time."""

    def get(self, request):
        return render(request, "rendezvous/lieux.html", {"lieux": lieux_avec_horaires(creneaux.horaires_libres())})


class ReserverView(View):
    """Step 2: the free times of one place, and the form."""

    def dispatch(self, request, *args, **kwargs):
        self.lieu = get_object_or_404(Lieu, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, status=200):
        context = {"form": form.decorer(), "lieu": self.lieu}
        return render(self.request, "rendezvous/reserver.html", context, status=status)

    def get(self, request, pk):
        return self.page(ReservationForm(horaires=creneaux.horaires_libres(lieu=self.lieu)))

    # Counted per client address, valid or not, as the contact form and the workshop registrations.
    @method_decorator(ratelimit(**LIMITE, block=False))
    def post(self, request, pk):
        if getattr(request, "limited", False):
            return trop_de_demandes(request)
        form = ReservationForm(request.POST, horaires=creneaux.horaires_libres(lieu=self.lieu))
        if not form.is_valid():
            return self.page(form)
        if form.est_un_robot:
            # Same kind of answer as a success, so that the bot learns nothing; nothing is stored.
            return redirect("rendezvous:lieux")
        horaire = form.horaire_choisi
        try:
            rdv = services.reserver(
                permanence=horaire.permanence, date=horaire.date, debut=horaire.debut, **form.personne()
            )
        except services.ReservationImpossible as exc:
            form = ReservationForm(request.POST, horaires=creneaux.horaires_libres(lieu=self.lieu))
            if form.is_valid():  # otherwise the time is no longer offered, and the form already says so
                form.add_error("horaire", str(exc))
            return self.page(form)
        return redirect("rendezvous:detail", signatures.jeton(rdv))


class JetonMixin:
    """Resolve the signed token of the URL, or answer with a French page saying why the link does not work."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.rdv = signatures.rdv_du_jeton(kwargs["jeton"])
        except signatures.LienExpire:
            return render(request, "rendezvous/lien_invalide.html", {"expire": True}, status=410)
        except signatures.LienInvalide:
            return render(request, "rendezvous/lien_invalide.html", {"expire": False}, status=404)
        return super().dispatch(request, *args, **kwargs)

    def contexte(self, **extra):
        return {"rdv": self.rdv, "lieu": self.rdv.permanence.lieu, "jeton": self.kwargs["jeton"], **extra}


class DetailView(JetonMixin, View):
    """The confirmation page, and what the link in the messages opens."""

    def get(self, request, jeton):
        par_sms = bool(self.rdv.telephone) and peut_recevoir_un_sms(self.rdv.telephone)
        return render(request, "rendezvous/detail.html", self.contexte(par_sms=par_sms))


class AnnulerView(JetonMixin, View):
    """GET asks for confirmation (mail scanners follow links); only POST cancels."""

    def get(self, request, jeton):
        return render(request, "rendezvous/annuler.html", self.contexte())

    def post(self, request, jeton):
        if not self.rdv.modifiable:
            return render(request, "rendezvous/annuler.html", self.contexte(), status=409)
        services.annuler(rdv=self.rdv, motif="annulé par la personne")
        return redirect("rendezvous:detail", jeton)


class DeplacerView(JetonMixin, View):
    """Another time, at the same place or at another one (?lieu=)."""

    def lieu_choisi(self):
        valeur = self.request.GET.get("lieu", "")
        if valeur.isdigit():
            lieu = Lieu.objects.filter(pk=int(valeur)).first()
            if lieu:
                return lieu
        return self.rdv.permanence.lieu

    def page(self, form, lieu, status=200):
        tous = lieux_avec_horaires(creneaux.horaires_libres(sauf=self.rdv))
        autres = [(autre, nombre, premier) for autre, nombre, premier in tous if autre.pk != lieu.pk]
        return render(
            self.request,
            "rendezvous/deplacer.html",
            self.contexte(form=form, lieu_choisi=lieu, autres_lieux=autres),
            status=status,
        )

    def get(self, request, jeton):
        if not self.rdv.modifiable:
            return render(request, "rendezvous/annuler.html", self.contexte(), status=409)
        lieu = self.lieu_choisi()
        # The current time is among the free ones (it may stay) and shown as chosen.
        actuel = creneaux.Horaire(self.rdv.permanence, self.rdv.date, self.rdv.debut, self.rdv.fin).valeur
        form = HoraireForm(horaires=creneaux.horaires_libres(lieu=lieu, sauf=self.rdv), initial={"horaire": actuel})
        return self.page(form, lieu)

    @method_decorator(ratelimit(**LIMITE, block=False))
    def post(self, request, jeton):
        if getattr(request, "limited", False):
            return trop_de_demandes(request)
        if not self.rdv.modifiable:
            return render(request, "rendezvous/annuler.html", self.contexte(), status=409)
        lieu = self.lieu_choisi()
        form = HoraireForm(request.POST, horaires=creneaux.horaires_libres(lieu=lieu, sauf=self.rdv))
        if form.is_valid():
            horaire = form.horaire_choisi
            try:
                services.deplacer(rdv=self.rdv, permanence=horaire.permanence, date=horaire.date, debut=horaire.debut)
            except services.ReservationImpossible as exc:
                form = HoraireForm(request.POST, horaires=creneaux.horaires_libres(lieu=lieu, sauf=self.rdv))
                if form.is_valid():
                    form.add_error("horaire", str(exc))
            else:
                return redirect("rendezvous:detail", jeton)
        return self.page(form, lieu)


class CalendrierView(JetonMixin, View):
    def get(self, request, jeton):
        if self.rdv.statut == RendezVous.Statut.ANNULE:
            raise Http404
        lien = url_absolue(reverse("rendezvous:detail", args=[jeton]))
        response = HttpResponse(feeds.calendrier(self.rdv, lien), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="rendez-vous-citeslab.ics"'
        return response
