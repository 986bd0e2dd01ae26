"""Passwords a French speaker tries first: the common French ones, keyboard walks on AZERTY, the town's name.

Django's CommonPasswordValidator knows English-speaking leaks; zxcvbn knows QWERTY walks but not AZERTY ones, few
French passwords and not this portal. FrenchPasswordValidator counts the guesses of an attacker who tries those
first, in the way of zxcvbn but smaller: the password is split into its cheapest pieces (a common password, a name
of the town or of the account, a keyboard walk, a repetition, a year, otherwise one character at a time), their
guesses multiply, and a password under the floor is refused with the pieces it rests on.
"""

import functools
import re
import unicodedata
from pathlib import Path

from django.core.exceptions import ValidationError

from citeslab.core.formats import NBSP

LISTE = Path(__file__).with_name("mots_de_passe_courants.txt")

# Rows and columns of keyboards typed in one sweep: three characters in a row of one of these, either way, are a walk.
CLAVIERS = (
    "azertyuiopqsdfghjklmwxcvbn",  # AZERTY, row after row
    "aqwzsxedcrfvtgbyhnujikolpm",  # AZERTY, column after column
    "1aqw2zsx3edc4rfv5tgb6yhn7uj8ik9ol0pm",
    "&é\"'(-è_çà)=",  # AZERTY digit row, without Shift
    "qwertyuiopasdfghjklzxcvbnm",  # QWERTY
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qwertzuiopasdfghjklyxcvbnm",  # QWERTZ
    "01234567890123456789",  # digits, going on past 9
    "abcdefghijklmnopqrstuvwxyz",
)
SITE_WORDS = ("CitésLab", "Carcassonne", "Carcassonne Agglo", "Aude", "Occitanie")
# zxcvbn's score 3: out of reach online, and costly offline behind Django's slow password hashing.
MIN_GUESSES = 10**8
# Characters analysed: beyond them each character counts as a random one. Bounds the work on a huge input.
LONGUEUR_ANALYSEE = 64

COURANT, SITE, COMPTE, CLAVIER, REPETITION, ANNEE = "courant", "site", "compte", "clavier", "repetition", "annee"
RAISONS = {
    COURANT: "un mot de passe courant",
    SITE: "le nom de la ville ou du portail",
    COMPTE: "votre nom ou votre identifiant",
    CLAVIER: "une suite de touches du clavier",
    REPETITION: "une répétition",
    ANNEE: "une année",
}
# Substitutions people make to look clever; "1" is read both as "i" and as "l".
LEET = (str.maketrans("@4310$5!7+", "aaeiosssit"), str.maketrans("@4310$5!7+", "aaelosssit"))


def _plat(caractere: str) -> str:
    """One character, in lower case and without its accent; itself when that would not stay one character."""
    bas = caractere.lower()
    if len(bas) != 1:
        return caractere
    sans_accent = "".join(c for c in unicodedata.normalize("NFKD", bas) if not unicodedata.combining(c))
    return sans_accent if len(sans_accent) == 1 else bas


def _mots(textes) -> set[str]:
    """The words of a few texts ("Carcassonne Agglo", an e-mail address), flattened, of three letters or more."""
    return {mot for texte in textes for mot in re.findall(r"[a-z]{3,}", "".join(map(_plat, texte or "")))}


@functools.cache
def mots_courants() -> dict[str, int]:
    """Each word of the list and its rank, 1 for the most frequent."""
    with LISTE.open(encoding="utf-8") as lignes:
        mots = [ligne.strip() for ligne in lignes if ligne.strip() and not ligne.startswith("#")]
    rangs = {}
    for rang, mot in enumerate(mots, start=1):
        rangs.setdefault(mot, rang)
    return rangs


@functools.cache
def marches() -> frozenset[str]:
    """Every keyboard walk of three characters or more, both ways."""
    return frozenset(
        suite[i:j]
        for clavier in CLAVIERS
        for suite in (clavier, clavier[::-1])
        for i in range(len(suite))
        for j in range(i + 3, len(suite) + 1)
    )


def _force_brute(caractere: str) -> int:
    if caractere.isdigit():
        return 10
    if caractere.isascii() and caractere.isalpha():
        return 26
    return 33


def estimer(password: str, mots_proches: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Guesses an attacker who tries French habits first needs, and the kinds of the pieces that made it cheap.

    mots_proches: words of the site or of the account (flattened), each with its kind, tried before all others.
    """
    mots_proches = mots_proches or {}
    courants = mots_courants()
    longueur_max = max([len(max(courants, key=len)), *map(len, mots_proches)])
    reste = password[LONGUEUR_ANALYSEE:]
    password = password[:LONGUEUR_ANALYSEE]
    memo: dict[str, int] = {}

    def decouper(texte: str) -> tuple[int, list[str]]:
        n = len(texte)
        bas = "".join(c.lower() if len(c.lower()) == 1 else c for c in texte)
        plat = "".join(map(_plat, texte))
        variantes = [(plat, 1), *((plat.translate(leet), 2) for leet in LEET)]
        majuscules = [c != b for c, b in zip(texte, bas, strict=True)]
        # pieces[i]: the pieces that end before character i, as (start, guesses, kind).
        pieces: list[list[tuple[int, int, str]]] = [[] for _ in range(n + 1)]
        for debut in range(n):
            for fin in range(debut + 3, n + 1):
                morceau = bas[debut:fin]
                casse = 2 if any(majuscules[debut:fin]) else 1
                if fin - debut <= longueur_max:
                    for variante, substitution in variantes:
                        mot = variante[debut:fin]
                        if mot in mots_proches:
                            pieces[fin].append((debut, substitution * casse, mots_proches[mot]))
                        elif mot in courants:
                            pieces[fin].append((debut, courants[mot] * substitution * casse, COURANT))
                if morceau in marches():
                    pieces[fin].append((debut, 10 * len(morceau) * casse, CLAVIER))
                if len(set(morceau)) == 1:
                    pieces[fin].append((debut, 10 * len(morceau), REPETITION))
                elif fin - debut == 4 and morceau.isdigit() and 1900 <= int(morceau) <= 2099:
                    pieces[fin].append((debut, 200, ANNEE))
                else:
                    for periode in range(2, (fin - debut) // 2 + 1):
                        motif = texte[debut : debut + periode]
                        fois, en_trop = divmod(fin - debut, periode)
                        if not en_trop and motif * fois == texte[debut:fin]:
                            pieces[fin].append((debut, essais(motif) * fois, REPETITION))
                            break
        # The cheapest split: each piece costs its guesses, twice over for choosing where it goes.
        meilleur = [1] + [0] * n
        origine: list[tuple[int, str | None]] = [(0, None)] * (n + 1)
        for fin in range(1, n + 1):
            meilleur[fin] = meilleur[fin - 1] * _force_brute(texte[fin - 1])
            origine[fin] = (fin - 1, None)
            for debut, guesses, sorte in pieces[fin]:
                if meilleur[debut] * guesses * 2 < meilleur[fin]:
                    meilleur[fin] = meilleur[debut] * guesses * 2
                    origine[fin] = (debut, sorte)
        sortes = []
        fin = n
        while fin:
            fin, sorte = origine[fin]
            if sorte:
                sortes.append(sorte)
        return meilleur[n], sortes[::-1]

    def essais(texte: str) -> int:
        if texte not in memo:
            memo[texte] = decouper(texte)[0]
        return memo[texte]

    guesses, sortes = decouper(password)
    for caractere in reste:
        guesses *= _force_brute(caractere)
    return guesses, sortes


def _liste(elements: list[str]) -> str:
    return elements[0] if len(elements) == 1 else f"{', '.join(elements[:-1])} et {elements[-1]}"


class FrenchPasswordValidator:
    """AUTH_PASSWORD_VALIDATORS entry. OPTIONS: min_guesses, site_words (the town, the portal, the neighbourhoods)."""

    def __init__(self, min_guesses: int = MIN_GUESSES, site_words=SITE_WORDS):
        self.min_guesses = min_guesses
        self.site_words = _mots(site_words)

    def validate(self, password, user=None):
        proches = dict.fromkeys(self.site_words, SITE)
        if user is not None:
            attributs = (getattr(user, nom, "") for nom in ("username", "first_name", "last_name", "email"))
            proches |= dict.fromkeys(_mots(a for a in attributs if isinstance(a, str)) - self.site_words, COMPTE)
        guesses, sortes = estimer(password, proches)
        if guesses >= self.min_guesses:
            return
        raisons = [RAISONS[sorte] for sorte in dict.fromkeys(sortes)]
        pourquoi = f"il repose sur {_liste(raisons)}" if raisons else "il est trop court"
        raise ValidationError(
            f"Ce mot de passe est trop facile à deviner{NBSP}: {pourquoi}. "
            "Une phrase de quelques mots sans rapport entre eux est plus sûre et plus facile à retenir.",
            code="password_too_guessable",
        )

    def get_help_text(self):
        return (
            "Évitez les mots de passe courants, les suites de touches du clavier (azerty, 123456…) et le nom de la "
            "ville ou du portail, même suivis de chiffres ou d'une année. Une phrase de quelques mots sans rapport "
            "entre eux est plus sûre et plus facile à retenir."
        )
