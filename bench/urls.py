from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from ateliers.forms import InscriptionForm


def trivial(request):
    """The Django floor: full middleware stack, no template, no query."""
    return HttpResponse("Bonjour")


def inscription_sans_ecriture(request):
    """The registration's floor: the same POST (CSRF, the same form validated), then nothing stored."""
    form = InscriptionForm(request.POST)
    if request.method != "POST" or not form.is_valid():
        return HttpResponse("formulaire invalide", status=400)
    return redirect("/bench/trivial/")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/inscription/", inscription_sans_ecriture),
    path("", include("citeslab.urls")),
]
