"""What the A4 poster of the permanences shows: a dated week (closures and holidays in place) or the standard week."""

import datetime
from urllib.parse import urlparse

from django.conf import settings

from citeslab.core.qr import qr_svg
from permanences.activites import activites_entre
from permanences.models import Permanence
from permanences.planning import Creneau, creneaux, jour_ferie, lignes_de_la_semaine, lundi, permanences_et_fermetures

SEMAINE_TYPE = "type"


def adresse_du_site() -> str:
    """The public site's home page, as the QR code and the poster's caption give it."""
    return settings.SITE_URL.rstrip("/") + "/"


def contenu_affiche(*, debut: datetime.date | None, aujourd_hui: datetime.date) -> dict:
    """The poster's context: `debut` is the Monday of the week shown, None for the standard week.

    Three queries for a dated week (slots, closures, workshops), one for the standard week.
    """
    if debut is None:
        # The schedule in force today, without closures: what a resident can count on, week after week.
        permanences = list(
            Permanence.objects.en_vigueur_entre(aujourd_hui, aujourd_hui).select_related("lieu__quartier")
        )
        base = lundi(aujourd_hui)
        semaine = sorted(
            (Creneau(permanence=p, date=base + datetime.timedelta(days=p.jour)) for p in permanences),
            key=lambda c: (c.date, c.permanence.debut),
        )
        lignes = lignes_de_la_semaine(base, semaine)
        fermetures, feries = [], []
    else:
        fin = debut + datetime.timedelta(days=6)
        permanences, fermetures = permanences_et_fermetures(debut, fin)
        semaine = creneaux(debut, fin, permanences=permanences, fermetures=fermetures)
        lignes = lignes_de_la_semaine(debut, semaine, activites_entre(debut, fin), aujourd_hui=aujourd_hui)
        feries = [(ligne["date"], jour_ferie(ligne["date"])) for ligne in lignes if jour_ferie(ligne["date"])]

    premiers_creneaux = {}
    for creneau in semaine:
        if creneau.lieu is not None:
            premiers_creneaux.setdefault(creneau.lieu, (creneau.date, creneau.permanence.debut))
    adresse = adresse_du_site()
    return {
        "semaine_type": debut is None,
        "debut": debut,
        "fin": debut + datetime.timedelta(days=4) if debut else None,
        "lignes": lignes,
        "fermetures": fermetures,
        "feries": feries,
        "lieux": sorted(premiers_creneaux, key=premiers_creneaux.get),
        "adresse_du_site": adresse,
        "site_affiche": urlparse(adresse).netloc,
        "qr": qr_svg(adresse, libelle=f"QR code vers le site du CitésLab : {adresse}", classe="affiche-qr-code"),
    }
