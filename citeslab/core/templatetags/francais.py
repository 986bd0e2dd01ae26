"""French in templates: {{ 72000|euros }}, {{ 0.4|pourcent }}, {{ slot|plage }}, {{ opts|nom }}…"""

import json

from django import template

from citeslab.core import formats, noms

register = template.Library()

register.filter("nombre", formats.nombre)
register.filter("euros", formats.euros)
register.filter("pourcent", formats.pourcent)
register.filter("heure", formats.heure)
register.filter("date_longue", formats.date_longue)
register.filter("date_courte", formats.date_courte)


@register.filter
def plage(creneau) -> str:
    """Anything with `debut` and `fin` (a slot, a workshop): « 9 h – 12 h »."""
    return formats.plage(creneau.debut, creneau.fin)


@register.filter
def nom(model_ou_opts):
    """{{ opts|nom }}: the model's Nom, to write {{ n.un }}, {{ n.le }}, {{ n.titre_liste }} (citeslab.core.noms)."""
    if not model_ou_opts:
        return None
    if hasattr(model_ou_opts, "_meta") or hasattr(model_ou_opts, "label_lower"):
        return noms.nom_de(model_ou_opts)
    # The related-object widget only knows the verbose_name.
    return noms.nom_par_verbose_name(str(model_ou_opts))


@register.filter
def application(opts_ou_app_config) -> str:
    """{{ opts|application }}: the app's name in French, for breadcrumbs."""
    return noms.nom_application(getattr(opts_ou_app_config, "app_config", opts_ou_app_config))


@register.simple_tag
def donnees_inline(inline_admin_formset) -> str:
    """The inline script's options: "Ajouter un autre suivi", not "Ajouter un objet Suivi supplémentaire"."""
    n = noms.nom_de(inline_admin_formset.formset.model)
    prefixe = inline_admin_formset.formset.prefix
    return json.dumps(
        {
            "name": f"#{prefixe}",
            "options": {"prefix": prefixe, "addText": f"Ajouter {n.un_autre}", "deleteText": "Retirer"},
        }
    )


@register.filter
def nombre_de(n, combien) -> str:
    """{{ n|nombre_de:3 }}: "3 ateliers", "1 inscription", "0 porteur de projet"."""
    return n.nombre(int(combien))
