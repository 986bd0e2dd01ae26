"""What people type in their own spreadsheets, read the way they meant it.

Column titles (« NOM », « Né(e) le », « Tél. »), choices (« Salariée », « demandeuse d'emploi ») and place names
(« Ozanam » for « La Conte / Ozanam ») are compared once reduced to a key: no accents, no case, no punctuation,
and, for choices, feminine and plural endings folded onto the masculine singular. Dates say what is wrong with
them (« le 31 février n'existe pas ») instead of only « not a date ».
"""

import datetime
import re
import unicodedata

from citeslab.core.formats import NBSP

_NON_ALPHANUMERIQUE = re.compile(r"[^0-9a-z]+")
_ABREVIATIONS = {"st": "saint", "ste": "sainte", "n": "numero", "no": "numero", "num": "numero"}
_ARTICLES = {"le", "la", "les", "l"}


def normaliser(texte) -> str:
    """« Né(e) le » -> « ne e le », « Tél. » -> « tel », « Saint-Jacques » -> « saint jacques », None -> ""."""
    if texte is None:
        return ""
    sans_accents = unicodedata.normalize("NFKD", str(texte)).encode("ascii", "ignore").decode("ascii")
    mots = _NON_ALPHANUMERIQUE.sub(" ", sans_accents.lower()).split()
    return " ".join(_ABREVIATIONS.get(mot, mot) for mot in mots)


def sans_article(cle: str) -> str:
    """« la bastide » -> « bastide », « l ecole » -> « ecole »; a key of one article stays as it is."""
    mots = cle.split()
    while len(mots) > 1 and mots[0] in _ARTICLES:
        mots = mots[1:]
    return " ".join(mots)


# Feminine and plural endings, most specific first: « demandeuse » -> « demandeur », « inactives » -> « inactif »,
# « salariée » -> « salarie », « étudiantes » -> « etudiant », « créatrice » -> « createur ».
_TERMINAISONS = [
    ("euses", "eur"),
    ("euse", "eur"),
    ("eurs", "eur"),
    ("trices", "teur"),
    ("trice", "teur"),
    ("ives", "if"),
    ("ive", "if"),
    ("ifs", "if"),
    ("ees", "e"),
    ("ee", "e"),
    ("antes", "ant"),
    ("ante", "ant"),
    ("ants", "ant"),
    ("entes", "ent"),
    ("ente", "ent"),
    ("ents", "ent"),
    ("es", "e"),
]


def _mot_masculin_singulier(mot: str) -> str:
    if len(mot) <= 3:
        return mot
    for fin, remplacement in _TERMINAISONS:
        if mot.endswith(fin) and len(mot) - len(fin) >= 2:
            return mot[: -len(fin)] + remplacement
    if mot.endswith("s") and not mot.endswith("ss"):
        return mot[:-1]
    return mot


def _replier(mot: str) -> str:
    # « orientée » -> « oriente » -> « orient », as « orienté » -> « orient »: folded until nothing changes.
    for _ in range(4):
        plus_court = _mot_masculin_singulier(mot)
        if plus_court == mot:
            break
        mot = plus_court
    return mot


def cle_de_choix(texte) -> str:
    """The key two spellings of the same choice share: « Salariées » and « salarié » -> « salarie »."""
    return " ".join(_replier(mot) for mot in normaliser(texte).split())


class Choix:
    """A list of choices recognised by label, code, any accent or case, feminine or plural, or a synonym.

    `synonymes` maps a code to other words for it (« DE » for demandeur d'emploi). A label with a comma also
    answers to each of its parts (« Restauration, alimentation » to « restauration »), unless that part is
    already another choice's.
    """

    def __init__(self, choices, synonymes=None):
        self.libelles = {code: str(libelle) for code, libelle in choices}
        self.par_cle = {}
        for code, libelle in self.libelles.items():
            self._ajouter(code, code)
            self._ajouter(libelle, code)
        for code, mots in (synonymes or {}).items():
            for mot in mots:
                self._ajouter(mot, code)
        for code, libelle in self.libelles.items():
            for partie in libelle.split(","):
                self._ajouter(partie, code)

    def _ajouter(self, texte, code):
        # The first choice to claim a key keeps it: codes and labels before synonyms, synonyms before parts.
        for cle in (cle_de_choix(texte), cle_de_choix(sans_article(normaliser(texte)))):
            if cle:
                self.par_cle.setdefault(cle, code)

    def code(self, texte):
        """The code of what was typed, or None when it is none of the choices."""
        cle = cle_de_choix(texte)
        return self.par_cle.get(cle) or self.par_cle.get(cle_de_choix(sans_article(normaliser(texte))))

    def attendus(self) -> str:
        return ", ".join(f"«{NBSP}{libelle}{NBSP}»" for libelle in self.libelles.values())


_SEPARATEURS_DE_NOM = re.compile(r"\s*[/–—]\s*|\s+-\s+")


def noms_usuels(*noms) -> set[str]:
    """Every key a place is known by: « La Conte / Ozanam » -> « la conte ozanam », « la conte », « conte »,
    « ozanam »; « Le Viguier – Saint-Jacques » -> … « le viguier », « viguier », « saint jacques »."""
    cles = set()
    for nom in noms:
        for partie in [nom, *_SEPARATEURS_DE_NOM.split(str(nom))]:
            cle = normaliser(partie)
            if cle:
                cles |= {cle, sans_article(cle)}
    return cles


# ---------------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------------

MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
FORMAT_ATTENDU = "date attendue au format jj/mm/aaaa, par exemple 17/05/1990"
# Day 0 of spreadsheet serial dates (Excel's and LibreOffice's, 1900 system): 1 is 1 January 1900.
_ORIGINE_TABLEUR = datetime.date(1899, 12, 30)
_JMA = re.compile(r"(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4}|\d{2})")
_AMJ = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_JJMMAAAA = re.compile(r"(\d{2})(\d{2})(\d{4})")


class DateIncorrecte(ValueError):
    """A date cell that is not a date; its message says why, in French, for the person importing."""


def _annee_sur_quatre_chiffres(annee: int, chiffres: int) -> int:
    if chiffres == 4:
        return annee
    # « 85 » is 1985, « 19 » is 2019: a two-digit year is the closest one that is not in the future.
    siecle = 2000 if annee <= datetime.date.today().year % 100 else 1900
    return siecle + annee


def _verifier(jour: int, mois: int, annee: int, texte: str) -> datetime.date:
    if not 1 <= mois <= 12:
        raise DateIncorrecte(f"«{NBSP}{texte}{NBSP}»{NBSP}: le mois {mois} n'existe pas ({FORMAT_ATTENDU}).")
    if not 1 <= jour <= 31:
        raise DateIncorrecte(f"«{NBSP}{texte}{NBSP}»{NBSP}: le jour {jour} n'existe pas ({FORMAT_ATTENDU}).")
    if annee < 1:
        raise DateIncorrecte(f"«{NBSP}{texte}{NBSP}»{NBSP}: l'année {annee} n'existe pas ({FORMAT_ATTENDU}).")
    try:
        return datetime.date(annee, mois, jour)
    except ValueError:
        nom = f"{'1er' if jour == 1 else jour} {MOIS[mois - 1]}"
        if mois == 2 and jour == 29:
            raise DateIncorrecte(
                f"«{NBSP}{texte}{NBSP}»{NBSP}: le 29 février {annee} n'existe pas ({annee} n'est pas bissextile)."
            ) from None
        raise DateIncorrecte(f"«{NBSP}{texte}{NBSP}»{NBSP}: le {nom} n'existe pas.") from None


def lire_date(valeur) -> datetime.date | None:
    """A date as a spreadsheet cell holds it: a date, a serial number, or text in the French order.

    Empty gives None. « 17/05/1990 », « 17-05-90 », « 17.05.1990 », « 1990-05-17 », « 17051990 » and the
    serial 33010 (a date cell formatted as a number) all give 17 May 1990. Anything else raises DateIncorrecte
    saying what is wrong.
    """
    if valeur is None:
        return None
    if isinstance(valeur, datetime.datetime):
        return valeur.date()
    if isinstance(valeur, datetime.date):
        return valeur
    if isinstance(valeur, int | float) and not isinstance(valeur, bool):
        if 1 <= valeur < 2_958_466:  # up to 31/12/9999
            return _ORIGINE_TABLEUR + datetime.timedelta(days=int(valeur))
        raise DateIncorrecte(f"«{NBSP}{valeur}{NBSP}» n'est pas une date ({FORMAT_ATTENDU}).")
    texte = str(valeur).strip()
    if not texte:
        return None
    if correspondance := _JMA.fullmatch(texte):
        jour, mois, annee = correspondance.groups()
        return _verifier(int(jour), int(mois), _annee_sur_quatre_chiffres(int(annee), len(annee)), texte)
    if correspondance := _AMJ.fullmatch(texte):
        annee, mois, jour = (int(partie) for partie in correspondance.groups())
        return _verifier(jour, mois, annee, texte)
    if correspondance := _JJMMAAAA.fullmatch(texte):
        jour, mois, annee = (int(partie) for partie in correspondance.groups())
        return _verifier(jour, mois, annee, texte)
    if len(texte) > 40:
        texte = texte[:40] + "…"
    raise DateIncorrecte(f"«{NBSP}{texte}{NBSP}» n'est pas une date{NBSP}: {FORMAT_ATTENDU}.")
