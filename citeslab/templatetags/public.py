"""French formatting for the public pages ("lundi 9 h – 12 h", "72 000 €", "1er décembre")."""

import datetime
from decimal import Decimal

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone

from citeslab.formats import nombre

register = template.Library()

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: thousands separator and before "%" in French typography


@register.filter
def heure(valeur: datetime.time | datetime.datetime) -> str:
    """9:00 -> "9 h", 14:30 -> "14 h 30"."""
    if valeur in (None, ""):
        return ""
    if isinstance(valeur, datetime.datetime) and timezone.is_aware(valeur):
        valeur = timezone.localtime(valeur)
    if valeur.minute:
        return f"{valeur.hour}{NBSP}h{NBSP}{valeur.minute:02d}"
    return f"{valeur.hour}{NBSP}h"


@register.filter
def plage(creneau) -> str:
    """A slot's hours: "9 h – 12 h"."""
    return f"{heure(creneau.debut)} – {heure(creneau.fin)}"


@register.filter
def date_longue(jour: datetime.date) -> str:
    """ "jeudi 3 décembre 2026", "mardi 1er décembre 2026"."""
    if not jour:
        return ""
    if isinstance(jour, datetime.datetime):
        jour = timezone.localtime(jour).date() if timezone.is_aware(jour) else jour.date()
    quantieme = "1er" if jour.day == 1 else str(jour.day)
    return f"{formats.date_format(jour, 'l')} {quantieme} {formats.date_format(jour, 'F Y')}"


@register.filter
def date_courte(jour: datetime.date) -> str:
    """ "lundi 23 novembre" (the year is obvious in a week's table)."""
    quantieme = "1er" if jour.day == 1 else str(jour.day)
    return f"{formats.date_format(jour, 'l')} {quantieme} {formats.date_format(jour, 'F')}"


@register.filter
def euros(montant: Decimal) -> str:
    """72000 -> "72 000 €"; cents only when there are some."""
    montant = Decimal(montant)
    decimales = 0 if montant == montant.to_integral_value() else 2
    return f"{nombre(montant, decimales, separateur=NNBSP)}{NBSP}€"


@register.filter
def pourcent(fraction: Decimal | None) -> str:
    """0.4 -> "40 %" (one decimal only when needed)."""
    if fraction is None:
        return ""
    valeur = round(Decimal(fraction) * 100, 1)
    return f"{nombre(valeur, 0 if valeur == valeur.to_integral_value() else 1, separateur=NNBSP)}{NNBSP}%"


@register.simple_tag
def url_ou(nom: str, repli: str, *args) -> str:
    """Reverse a URL of another app, or fall back to its known path while that app is not installed."""
    try:
        return reverse(nom, args=args)
    except NoReverseMatch:
        return repli


@register.filter
def lien_atelier(atelier) -> str:
    """A workshop's page; its known path while the workshops app has no URLs on this branch."""
    try:
        return reverse("ateliers:detail", args=[atelier.pk])
    except NoReverseMatch:
        return f"/ateliers/{atelier.pk}/"
