from django import template
from django.urls import reverse
from django.utils import timezone

from porteurs import rgpd
from porteurs.admin import AnonymisationFilter
from porteurs.models import Porteur

register = template.Library()

LIMITE = 10


@register.inclusion_tag("admin/porteurs/includes/a_relancer.html", takes_context=True)
def a_relancer_block(context):
    """The admin index's "à relancer" block: the oldest call-backs first, for users who may see people."""
    request = context.get("request")
    if request is None or not request.user.has_perm("porteurs.view_porteur"):
        return {"visible": False}
    today = timezone.localdate()
    queryset = Porteur.objects.a_relancer(today)
    personnes = list(queryset.order_by("relance_le", "nom", "prenom")[:LIMITE])
    return {
        "visible": True,
        "aujourdhui": today,
        "personnes": personnes,
        "total": queryset.count() if len(personnes) == LIMITE else len(personnes),
        "lien_liste": reverse("admin:porteurs_porteur_changelist") + "?a_relancer=oui",
    }


@register.inclusion_tag("admin/porteurs/includes/bientot_anonymises.html", takes_context=True)
def bientot_anonymises_block(context):
    """How many people the purge will anonymise within 30 days, with a link to them."""
    request = context.get("request")
    if request is None or not request.user.has_perm("porteurs.view_porteur"):
        return {"visible": False}
    return {
        "visible": True,
        "jours": AnonymisationFilter.JOURS,
        "nombre": rgpd.bientot_anonymises(AnonymisationFilter.JOURS).count(),
        "lien_liste": reverse("admin:porteurs_porteur_changelist")
        + f"?{AnonymisationFilter.parameter_name}={AnonymisationFilter.DANS_30_JOURS}",
    }
