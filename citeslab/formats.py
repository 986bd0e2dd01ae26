"""French number formats shared by the report page, the admin and the exports' messages."""

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"


def _groupes(entier: str, separateur: str = NBSP) -> str:
    signe = "-" if entier.startswith("-") else ""
    entier = entier.lstrip("-")
    groupes = []
    while entier:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    return signe + separateur.join(groupes or ["0"])


def nombre(valeur, decimales: int = 0, separateur: str = NBSP) -> str:
    """1234.5 -> « 1 234,5 » (non-breaking spaces, or `separateur`, between thousands; decimal comma)."""
    if valeur is None:
        return "—"
    quantum = Decimal(1).scaleb(-decimales)
    texte = str(Decimal(str(valeur)).quantize(quantum, rounding=ROUND_HALF_UP))
    entier, _, fraction = texte.partition(".")
    return _groupes(entier, separateur) + ("," + fraction if fraction else "")


def euros(valeur) -> str:
    """Decimal('1234.56') -> « 1 234,56 € »."""
    if valeur is None:
        return "—"
    return f"{nombre(valeur, 2)}{NBSP}€"


def pourcent(fraction, decimales: int = 0) -> str:
    """0.4 -> « 40 % »; None (a share of nothing) -> « — »."""
    if fraction is None:
        return "—"
    return f"{nombre(Decimal(str(fraction)) * 100, decimales)}{NBSP}%"
