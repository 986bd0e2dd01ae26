"""French formats in templates: {{ 72000|euros }}, {{ 0.4|pourcent }}, {{ slot|plage }}, {{ day|date_longue }}."""

from django import template

from citeslab.core import formats

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
