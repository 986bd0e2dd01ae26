"""French formats, one implementation each: numbers, euros, percentages, hours and dates.

Numbers go through django.utils.numberformat (rounded half up first: numberformat truncates). French
typography: a narrow no-break space between thousands and before "%", a no-break space before "€" and
inside "9 h"; a dash for a figure that does not exist (a share of nothing).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, numberformat, timezone

NBSP = "\u00a0"
NNBSP = "\u202f"
ABSENT = "—"


def nombre(valeur, decimales: int = 0) -> str:
    """1234.5 -> « 1 234,5 »; None -> « — »."""
    if valeur is None:
        return ABSENT
    arrondi = Decimal(str(valeur)).quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)
    return numberformat.format(
        arrondi, ",", decimal_pos=decimales, grouping=3, thousand_sep=NNBSP, force_grouping=True
    )


def _sans_decimales_inutiles(valeur: Decimal, decimales: int) -> int:
    return 0 if valeur == valeur.to_integral_value() else decimales


def euros(valeur, decimales: int | None = None) -> str:
    """Decimal('72000') -> « 72 000 € », Decimal('12.5') -> « 12,50 € »; `decimales=2` always shows cents."""
    if valeur is None:
        return ABSENT
    valeur = Decimal(str(valeur))
    if decimales is None:
        decimales = _sans_decimales_inutiles(valeur, 2)
    return f"{nombre(valeur, decimales)}{NBSP}€"


def pourcent(fraction, decimales: int | None = None) -> str:
    """0.4 -> « 40 % », 0.125 -> « 12,5 % » (one decimal only when needed, unless `decimales` is given)."""
    if fraction is None:
        return ABSENT
    valeur = Decimal(str(fraction)) * 100
    if decimales is None:
        decimales = _sans_decimales_inutiles(round(valeur, 1), 1)
    return f"{nombre(valeur, decimales)}{NNBSP}%"


def heure(valeur: datetime.time | datetime.datetime | None) -> str:
    """9:00 -> « 9 h », 14:30 -> « 14 h 30 » (Paris time for an aware datetime)."""
    if valeur in (None, ""):
        return ""
    if isinstance(valeur, datetime.datetime) and timezone.is_aware(valeur):
        valeur = timezone.localtime(valeur)
    if valeur.minute:
        return f"{valeur.hour}{NBSP}h{NBSP}{valeur.minute:02d}"
    return f"{valeur.hour}{NBSP}h"


def plage(debut, fin) -> str:
    """« 9 h – 12 h »."""
    return f"{heure(debut)} – {heure(fin)}"


def _jour(jour: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(jour, datetime.datetime):
        return timezone.localtime(jour).date() if timezone.is_aware(jour) else jour.date()
    return jour


def _quantieme(jour: datetime.date) -> str:
    return "1er" if jour.day == 1 else str(jour.day)


def date_longue(jour) -> str:
    """« jeudi 3 décembre 2026 », « mardi 1er décembre 2026 »."""
    if not jour:
        return ""
    jour = _jour(jour)
    return f"{formats.date_format(jour, 'l')} {_quantieme(jour)} {formats.date_format(jour, 'F Y')}"


def date_courte(jour) -> str:
    """« lundi 23 novembre » (the year is obvious in a week's table)."""
    if not jour:
        return ""
    jour = _jour(jour)
    return f"{formats.date_format(jour, 'l')} {_quantieme(jour)} {formats.date_format(jour, 'F')}"
