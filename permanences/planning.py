"""The schedule as it really happens: weekly slots turned into dated occurrences, closures applied.

Every page, feed and report that speaks of "when is the chef de projet where" goes through
`creneaux()`, so a closure entered in the admin or a public holiday removes a slot everywhere at once.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays

from permanences.models import Fermeture, Permanence


@lru_cache(maxsize=64)
def jours_feries(annee: int) -> dict:
    """French public holidays of a year, from the maintained `holidays` package (metropolitan France)."""
    return dict(holidays.France(years=annee, language="fr"))


def jour_ferie(jour: datetime.date) -> str | None:
    return jours_feries(jour.year).get(jour)


@dataclass(frozen=True)
class Creneau:
    """One dated occurrence of a weekly slot."""

    permanence: Permanence
    date: datetime.date
    fermeture: str | None = None  # why it does not take place, if it does not

    @property
    def ouvert(self) -> bool:
        return self.fermeture is None

    @property
    def debut(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.permanence.debut)

    @property
    def fin(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.permanence.fin)

    @property
    def lieu(self):
        return self.permanence.lieu


def creneaux(debut: datetime.date, fin: datetime.date, *, permanences=None, fermetures=None) -> list[Creneau]:
    """Every occurrence of the weekly slots between two dates (inclusive), in time order.

    Closed occurrences are kept, with the reason, so a page can show "Fermé — congés" in place of the slot;
    filter on `ouvert` for what actually takes place. Runs two queries whatever the length of the range.
    """
    if permanences is None:
        permanences = list(Permanence.objects.en_vigueur_entre(debut, fin).select_related("lieu__quartier"))
    if fermetures is None:
        fermetures = list(Fermeture.objects.entre(debut, fin))
    by_weekday: dict[int, list[Permanence]] = {}
    for permanence in permanences:
        by_weekday.setdefault(permanence.jour, []).append(permanence)

    result = []
    jour = debut
    while jour <= fin:
        ferie = jour_ferie(jour)
        for permanence in sorted(by_weekday.get(jour.weekday(), []), key=lambda p: p.debut):
            if permanence.valide_du > jour or (permanence.valide_au and permanence.valide_au < jour):
                continue
            motif = ferie
            if motif is None:
                motif = next(
                    (
                        f.motif
                        for f in fermetures
                        if f.debut <= jour <= f.fin and (f.permanence_id is None or f.permanence_id == permanence.pk)
                    ),
                    None,
                )
            result.append(Creneau(permanence=permanence, date=jour, fermeture=motif))
        jour += datetime.timedelta(days=1)
    return result


def lundi(jour: datetime.date) -> datetime.date:
    return jour - datetime.timedelta(days=jour.weekday())


def semaine_iso(valeur: str) -> datetime.date:
    """The Monday of an ISO week written "2026-W49". Raises ValueError on anything else."""
    annee, _, semaine = valeur.strip().upper().partition("-W")
    if not (annee.isdigit() and semaine.isdigit() and len(annee) == 4):
        raise ValueError(valeur)
    return datetime.date.fromisocalendar(int(annee), int(semaine), 1)


def format_semaine(jour: datetime.date) -> str:
    annee, semaine, _ = jour.isocalendar()
    return f"{annee}-W{semaine:02d}"


@dataclass(frozen=True)
class Situation:
    """Where the chef de projet is today, and when the next walk-in permanence is, seen at `maintenant`."""

    aujourd_hui: list[Creneau]  # today's open slots not yet over
    prochaine: Creneau | None  # next walk-in slot, when none is left today
    fermeture_du_jour: str | None  # why today's slots are closed, if they are
    expire_a: datetime.datetime  # when this answer may change (next slot start or end, or midnight)


HORIZON_PROCHAINE = datetime.timedelta(weeks=8)


def situation(maintenant: datetime.datetime, *, permanences=None, fermetures=None) -> Situation:
    """`maintenant` is a naive local (Europe/Paris) datetime; slots are local wall-clock times."""
    aujourd_hui = maintenant.date()
    fin = aujourd_hui + HORIZON_PROCHAINE
    tous = creneaux(aujourd_hui, fin, permanences=permanences, fermetures=fermetures)
    du_jour = [c for c in tous if c.date == aujourd_hui]
    restants = [c for c in du_jour if c.ouvert and c.fin > maintenant]
    prochaine = None
    if not any(c.permanence.type == Permanence.Type.ACCUEIL for c in restants):
        prochaine = next(
            (c for c in tous if c.ouvert and c.debut > maintenant and c.permanence.type == Permanence.Type.ACCUEIL),
            None,
        )
    fermes = [c.fermeture for c in du_jour if not c.ouvert]
    bornes = [b for c in du_jour for b in (c.debut, c.fin) if b > maintenant]
    minuit = datetime.datetime.combine(aujourd_hui + datetime.timedelta(days=1), datetime.time())
    return Situation(
        aujourd_hui=restants,
        prochaine=prochaine,
        fermeture_du_jour=fermes[0] if fermes and not restants else None,
        expire_a=min([*bornes, minuit]),
    )


def permanences_et_fermetures(debut: datetime.date, fin: datetime.date):
    """The two queries `creneaux()` needs, for callers that also want the rows themselves."""
    permanences = list(Permanence.objects.en_vigueur_entre(debut, fin).select_related("lieu__quartier"))
    fermetures = list(Fermeture.objects.entre(debut, fin))
    return permanences, fermetures


def lignes_de_la_semaine(
    debut: datetime.date, semaine: list[Creneau], activites=(), *, aujourd_hui=None
) -> list[dict]:
    """The week table's rows: Monday to Friday (a weekend day only if a slot falls on it), morning and afternoon.

    Each half-day holds its slots and the registered activities (permanences.activites) starting in it. An
    "Ateliers Émergence" slot shows the real workshops of its half-day, or says none is planned; a workshop in a
    half-day without such a slot is listed after that half-day's slots (`activites_a_part`).
    """
    jours_ouverts = {c.date.weekday() for c in semaine}
    lignes = []
    for decalage in range(7):
        jour = debut + datetime.timedelta(days=decalage)
        if decalage >= 5 and decalage not in jours_ouverts and not any(a.jour == jour for a in activites):
            continue
        ligne = {"date": jour, "aujourd_hui": jour == aujourd_hui}
        for cle, demi_journee in (("matin", "matin"), ("apres_midi", "après-midi")):
            du_creneau = [c for c in semaine if c.date == jour and c.permanence.demi_journee == demi_journee]
            des_activites = [a for a in activites if a.jour == jour and a.demi_journee == demi_journee]
            a_un_creneau_ateliers = any(
                c.ouvert and c.permanence.type == Permanence.Type.ATELIERS_EMERGENCE for c in du_creneau
            )
            ligne[cle] = {
                "creneaux": du_creneau,
                "activites": des_activites,
                "activites_a_part": [] if a_un_creneau_ateliers else des_activites,
            }
        lignes.append(ligne)
    return lignes


def creneaux_du_jour(jour: datetime.date) -> list[Creneau]:
    """Today's walk-in permanences, closed ones included (with their reason): where the chef de projet is."""
    return [c for c in creneaux(jour, jour) if c.permanence.type == Permanence.Type.ACCUEIL]


def creneau_du_moment(maintenant: datetime.datetime, du_jour: list[Creneau] | None = None) -> Creneau | None:
    """The open walk-in slot the chef de projet is at (or about to be at) now: the place a follow-up happens.

    The slot in progress, else the next one today, else today's last one (a follow-up typed after the session).
    `maintenant` is a naive local datetime.
    """
    ouverts = [c for c in (du_jour if du_jour is not None else creneaux_du_jour(maintenant.date())) if c.ouvert]
    if not ouverts:
        return None
    return next((c for c in ouverts if c.fin > maintenant), ouverts[-1])
