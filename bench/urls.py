from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """The Django floor: full middleware stack, no template, no query."""
    return HttpResponse("Bonjour")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("citeslab.urls")),
]
