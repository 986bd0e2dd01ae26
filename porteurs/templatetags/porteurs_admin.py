from django import template
from django.urls import reverse
from django.utils import timezone

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
