from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from ateliers.forms import InscriptionForm
from ateliers.models import Inscription


def trivial(request):
    """The Django floor: full middleware stack, no template, no query."""
    return HttpResponse("Bonjour")


def inscription_sans_ecriture(request):
    """The registration's floor: the same POST (CSRF, the same form validated), then nothing stored."""
    form = InscriptionForm(request.POST)
    if request.method != "POST" or not form.is_valid():
        return HttpResponse("formulaire invalide", status=400)
    return redirect("/bench/trivial/")


def inscription_une_ligne(request, pk):
    """A second floor: the same POST, then the registration's row inserted and committed, nothing more.

    No lock, no duplicate check, no history row, no message queued: what any form that stores what it
    receives costs, to tell the database's durable commit from what the registration adds to it.
    """
    form = InscriptionForm(request.POST)
    if request.method != "POST" or not form.is_valid():
        return HttpResponse("formulaire invalide", status=400)
    with transaction.atomic():
        Inscription.objects.bulk_create(
            [Inscription(atelier_id=pk, statut=Inscription.Statut.ATTENTE, **form.cleaned_data)]
        )
    return redirect("/bench/trivial/")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/inscription/", inscription_sans_ecriture),
    path("bench/inscription/<int:pk>/ligne/", inscription_une_ligne),
    path("", include("citeslab.urls")),
]
