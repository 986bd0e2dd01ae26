import datetime

from django import template
from django.urls import reverse
from django.utils import timezone

from financement.models import Convention

register = template.Library()

# Long enough to have the new convention signed and entered before the home page loses its funders.
PREAVIS = datetime.timedelta(days=60)


@register.inclusion_tag("admin/financement/includes/convention_a_renouveler.html", takes_context=True)
def convention_a_renouveler_block(context, jour=None):
    """The dashboard asks for the renewal when no convention is in force (the home page then names no funder),
    or when the one in force ends within PREAVIS and none follows it.

    Shown to the chef de projet (who reads the dashboard every day) and to whoever may enter conventions;
    only the latter gets the link, the others are told who can.
    """
    request = context.get("request")
    if request is None:
        return {"visible": False}
    utilisateur = request.user
    peut_saisir = utilisateur.has_perm("financement.add_convention")
    if not (peut_saisir or utilisateur.has_perm("porteurs.view_porteur")):
        return {"visible": False}
    jour = jour or timezone.localdate()
    en_cours = Convention.objects.en_vigueur(jour).order_by("-fin").first()
    if en_cours is not None and (
        en_cours.fin - jour > PREAVIS or Convention.objects.filter(debut__gt=en_cours.fin).exists()
    ):
        return {"visible": False}
    return {
        "visible": True,
        "en_cours": en_cours,
        "derniere": None if en_cours else Convention.objects.filter(fin__lt=jour).order_by("-fin").first(),
        "lien_ajout": reverse("admin:financement_convention_add") if peut_saisir else None,
    }
