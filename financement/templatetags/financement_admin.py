from django import template
from django.urls import reverse
from django.utils import timezone

from financement.models import Convention

register = template.Library()


@register.inclusion_tag("admin/financement/includes/convention_a_renouveler.html", takes_context=True)
def convention_a_renouveler_block(context, jour=None):
    """The dashboard asks for the renewal when no convention is in force: the home page then names no funder.

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
    if Convention.objects.en_vigueur(jour).exists():
        return {"visible": False}
    derniere = Convention.objects.filter(fin__lt=jour).order_by("-fin").first()
    return {
        "visible": True,
        "derniere": derniere,
        "lien_ajout": reverse("admin:financement_convention_add") if peut_saisir else None,
    }
