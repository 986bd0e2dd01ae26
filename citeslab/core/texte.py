"""Short texts people type, checked and tidied: names of people, titles that go into headers and calendars.

A name is typed by anyone on the public site and comes back in messages sent to any address: it must be a
name, not a link, and must show what it holds (no invisible character, no reversal of the writing direction).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import CharField, Func

# Control, formatting (zero-width, bidirectional controls, soft hyphen…), line and paragraph separators,
# surrogates and private use.
_CATEGORIES_INTERDITES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})

# Unicode's Default_Ignorable_Code_Point outside those categories: fillers that count as letters yet draw
# nothing (Hangul), variation selectors, and the like.
_INVISIBLES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)

# What a mail client turns into a link: a scheme, "www.", an e-mail address, a domain name ("evil.example",
# with the ideographic full stops too) or an IP address.
_POINT = "[.\uff0e\u3002\uff61]"
_LIEN = re.compile(rf"://|www{_POINT}|@|\w{_POINT}[^\W\d_]{{2,}}|\d{{1,3}}(?:{_POINT}\d{{1,3}}){{3}}", re.IGNORECASE)

MESSAGE_INVISIBLE = (
    "Ce nom contient un caractère invisible ou de contrôle (retour à la ligne, espace sans largeur, "
    "inversion du sens d'écriture…) : retapez-le sans ce caractère."
)
MESSAGE_SANS_LETTRE = "Un nom doit contenir au moins une lettre."
MESSAGE_LIEN = "Un nom ne peut pas contenir d'adresse web ni d'adresse électronique."
MESSAGE_UNE_LIGNE = (
    "Écrivez ce texte sur une seule ligne, sans retour à la ligne, tabulation ni caractère invisible ou de contrôle."
)


def est_interdit(caractere: str) -> bool:
    """A character that draws nothing, or changes how the text around it reads, rather than showing itself."""
    if unicodedata.category(caractere) in _CATEGORIES_INTERDITES:
        return True
    point = ord(caractere)
    return any(debut <= point <= fin for debut, fin in _INVISIBLES)


def valider_une_ligne(valeur: str) -> None:
    """Validator of a one-line text (a title): no line break, tabulation, control or invisible character."""
    if any(est_interdit(c) for c in valeur):
        raise ValidationError(MESSAGE_UNE_LIGNE, code="caractere_controle")


def valider_nom(valeur: str) -> None:
    """Validator of a first or last name: at least one letter, nothing invisible, no link nor address."""
    if any(est_interdit(c) for c in valeur):
        raise ValidationError(MESSAGE_INVISIBLE, code="caractere_invisible")
    if not any(unicodedata.category(c).startswith("L") for c in valeur):
        raise ValidationError(MESSAGE_SANS_LETTRE, code="sans_lettre")
    if _LIEN.search(valeur):
        raise ValidationError(MESSAGE_LIEN, code="lien")


def est_un_nom(valeur) -> bool:
    """Whether `valider_nom` accepts it: for a row stored before names were checked."""
    if not valeur or not isinstance(valeur, str):
        return False
    try:
        valider_nom(valeur)
    except ValidationError:
        return False
    return True


def une_ligne(texte: str) -> str:
    """The text on one line, for a header or a calendar summary: white space collapsed, invisible characters gone."""
    return " ".join("".join(" " if c.isspace() else "" if est_interdit(c) else c for c in texte).split())


# Names compared "as people read them": case, accents, spaces, hyphens and apostrophes do not count.
# The same folding in Python (`cle`) and in SQL (`Cle`): PostgreSQL's TRANSLATE, and on SQLite this very Python
# function registered on each connection (SQLite's LOWER only knows ASCII). No extension to install.
_ACCENTS = "àâäáãåçéèêëîïíìñôöóòõùûüúÿý"
_SANS_ACCENTS = "aaaaaaceeeeiiiinooooouuuuyy"
_A_ENLEVER = " -'’.\u00a0"


def cle(texte: str) -> str:
    """« Jean-Éric  O'Brien » → « jeanericobrien »: the key two spellings of one name share."""
    lettres = unicodedata.normalize("NFKD", (texte or "").casefold().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in lettres if c.isalnum())


class Cle(Func):
    """The database expression of `cle` for a column."""

    function = "citeslab_cle"
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"REPLACE(REPLACE(TRANSLATE(LOWER({sql}), %s, %s), 'œ', 'oe'), 'æ', 'ae')",
            [*params, _ACCENTS + _A_ENLEVER, _SANS_ACCENTS],
        )


def enregistrer_cle_sqlite(sender, connection, **kwargs):
    """connection_created: SQLite learns `citeslab_cle`, deterministic so that it may serve in an index."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("citeslab_cle", 1, cle, deterministic=True)


def cle_sql(expression):
    return Cle(expression)
