"""Likely duplicates: before a person is created, the records that may already be them.

The rule, one point table, documented in the README:
- same phone number (any way of writing it): 3 points;
- same e-mail address (case ignored): 3 points;
- same first and last names, ignoring case, accents, spaces and hyphens: 2 points;
- same birth date: 1 point; two birth dates both known and different: minus 2 points.
A record is a likely duplicate from 2 points: the same names alone are enough (unless the birth dates differ),
a shared phone or e-mail too (unless the names and the birth dates both differ, as in a family sharing a phone).
Anonymised records never match. One query, whatever the number of people.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q

from citeslab.core.telephone import normaliser_telephone
from citeslab.core.texte import cle
from porteurs.models import Porteur

SEUIL = 2
LIMITE = 5
CANDIDATS = 20  # rows read at most: a very common name cannot make the check slow


@dataclass
class Doublon:
    porteur: Porteur
    score: int = 0
    raisons: list[str] = field(default_factory=list)

    @property
    def pourquoi(self) -> str:
        return ", ".join(self.raisons)


def doublons_possibles(
    *,
    prenom: str = "",
    nom: str = "",
    telephone: str = "",
    email: str = "",
    date_naissance: datetime.date | None = None,
    exclure_pk: int | None = None,
) -> list[Doublon]:
    """The people who are likely the one described, best match first (at most LIMITE)."""
    try:
        telephone = normaliser_telephone(telephone)
    except ValidationError:  # a number the form will refuse anyway cannot match a stored one
        telephone = ""
    email = (email or "").strip()
    cle_prenom, cle_nom = cle(prenom), cle(nom)

    contact = Q(pk__in=[])
    if telephone:
        contact |= Q(telephone=telephone)
    if email:
        contact |= Q(email__iexact=email)
    base = Porteur.objects.avec_cles().filter(anonymise_le__isnull=True).exclude(pk=exclure_pk or 0).order_by()
    # One query, two branches planned apart: names through the folded-names index (PostgreSQL), phone and e-mail
    # without folding every name of the table. An OR of the three would fold all 100 000 names (200 ms).
    branches = []
    if cle_prenom and cle_nom:
        branches.append(base.filter(cle_prenom=cle_prenom, cle_nom=cle_nom))
    if contact != Q(pk__in=[]):
        branches.append(base.filter(contact))
    if not branches:
        return []
    candidats = (branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0])[:CANDIDATS]

    trouves = []
    vus = set()
    for porteur in candidats:
        if porteur.pk in vus:
            continue
        vus.add(porteur.pk)
        doublon = Doublon(porteur)
        if telephone and porteur.telephone == telephone:
            doublon.score += 3
            doublon.raisons.append("même téléphone")
        if email and porteur.email.casefold() == email.casefold():
            doublon.score += 3
            doublon.raisons.append("même adresse électronique")
        if cle_prenom and (porteur.cle_prenom, porteur.cle_nom) == (cle_prenom, cle_nom):
            doublon.score += 2
            doublon.raisons.append("mêmes nom et prénom")
        if date_naissance and porteur.date_naissance:
            if porteur.date_naissance == date_naissance:
                doublon.score += 1
                doublon.raisons.append("même date de naissance")
            else:
                doublon.score -= 2
        if doublon.score >= SEUIL:
            trouves.append(doublon)
    trouves.sort(key=lambda d: -d.score)
    return trouves[:LIMITE]
