"""How to say a model's name in a French sentence: gender, elision, plural.

Django's French admin builds its sentences from verbose_name alone, hence "Ajout de atelier" and "Sélectionnez
l'objet inscription à changer". A `Nom` knows "un atelier", "l'atelier", "cette inscription", "les porteurs de
projet", so the admin (citeslab.core.admin) and the templates (`{{ opts|nom }}`) can write natural French.

Each model is declared once by the layer that knows it (`declarer`, from citeslab/admin.py); a model nobody
declared gets a guess from its verbose_name, right for most French nouns.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import capfirst

VOYELLES = "aeiouyàâäéèêëîïôöùûüœh"
# Endings of feminine nouns: "-tion", "-ure", "-ence"… ("permanence", "fermeture", "inscription", "convention").
FINALES_FEMININES = (
    "tion",
    "sion",
    "ure",
    "ence",
    "ance",
    "ette",
    "ité",
    "ée",
    "ade",
    "ise",
    "ie",
    "ure",
    "tte",
    "ine",
)


@dataclass(frozen=True)
class Nom:
    singulier: str
    pluriel: str = ""
    feminin: bool = False
    # Nouns that only exist in the plural ("coordonnées du bureau"): every article is plural.
    toujours_pluriel: bool = False
    # The title of the list, when it is not the plural ("Historique des étapes").
    liste: str = ""
    # How one row is named, for models whose __str__ is English or a code ("Attempted Access: …").
    libelle: Callable[[Any], str] | None = field(default=None, compare=False)

    def __post_init__(self):
        if not self.pluriel:
            object.__setattr__(self, "pluriel", self.singulier if self.toujours_pluriel else self.singulier + "s")

    @property
    def _elide(self) -> bool:
        return self.singulier[:1].lower() in VOYELLES

    @property
    def e(self) -> str:
        """The feminine agreement of a past participle: "ajouté" / "ajoutée"."""
        return "e" if self.feminin else ""

    @property
    def s(self) -> str:
        return "s" if self.toujours_pluriel else ""

    @property
    def un(self) -> str:
        if self.toujours_pluriel:
            return f"des {self.pluriel}"
        return f"{'une' if self.feminin else 'un'} {self.singulier}"

    @property
    def le(self) -> str:
        if self.toujours_pluriel:
            return f"les {self.pluriel}"
        if self._elide:
            return f"l’{self.singulier}"
        return f"{'la' if self.feminin else 'le'} {self.singulier}"

    @property
    def de_le(self) -> str:
        """ "de l'atelier", "du porteur de projet", "de la fermeture", "des coordonnées du bureau"."""
        if self.toujours_pluriel:
            return f"des {self.pluriel}"
        if self._elide or self.feminin:
            return f"de {self.le}"
        return f"du {self.singulier}"

    @property
    def ce(self) -> str:
        if self.toujours_pluriel:
            return f"ces {self.pluriel}"
        if self.feminin:
            return f"cette {self.singulier}"
        return f"{'cet' if self._elide else 'ce'} {self.singulier}"

    @property
    def les(self) -> str:
        return f"les {self.pluriel}"

    @property
    def aucun(self) -> str:
        return f"{'aucune' if self.feminin else 'aucun'} {self.singulier}"

    @property
    def un_autre(self) -> str:
        if self.toujours_pluriel:
            return f"d’autres {self.pluriel}"
        return f"{'une autre' if self.feminin else 'un autre'} {self.singulier}"

    @property
    def nouveau(self) -> str:
        if self.feminin:
            return f"nouvelle {self.singulier}"
        return f"{'nouvel' if self._elide else 'nouveau'} {self.singulier}"

    @property
    def il(self) -> str:
        return "elle" if self.feminin else "il"

    @property
    def titre_liste(self) -> str:
        return capfirst(self.liste or self.pluriel)

    def decrire(self, obj) -> str:
        return self.libelle(obj) if self.libelle else str(obj)

    def nombre(self, n: int) -> str:
        """ "0 atelier", "1 inscription", "3 porteurs de projet": 0 and 1 take the singular in French."""
        return f"{n} {self.pluriel if n > 1 or self.toujours_pluriel else self.singulier}"

    def accord(self, n: int) -> str:
        """The participle's ending for n of these: "supprimé", "supprimées"."""
        return self.e + ("s" if n > 1 or self.toujours_pluriel else "")


_DECLARES: dict[str, Nom] = {}


def declarer(noms: dict[str, Nom]) -> None:
    """{"app_label.modelname": Nom(...)}, by the layer that knows these models."""
    _DECLARES.update({label.lower(): nom for label, nom in noms.items()})


def devine(verbose_name: str, verbose_name_plural: str = "") -> Nom:
    singulier = str(verbose_name)
    tete = singulier.split(" ")[0].lower()
    return Nom(singulier, str(verbose_name_plural or ""), feminin=tete.endswith(FINALES_FEMININES))


def nom_de(model_ou_opts) -> Nom:
    """The Nom of a model class, instance or _meta."""
    opts = getattr(model_ou_opts, "_meta", model_ou_opts)
    return _DECLARES.get(opts.label_lower) or devine(opts.verbose_name, opts.verbose_name_plural)


@functools.lru_cache(maxsize=256)
def nom_par_verbose_name(verbose_name: str) -> Nom:
    """For templates that only get the verbose_name (the related-object widget): the declared Nom if one has it."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        if str(model._meta.verbose_name) == str(verbose_name):
            return nom_de(model)
    return devine(verbose_name)


_APPLICATIONS: dict[str, str] = {}


def declarer_applications(noms: dict[str, str]) -> None:
    """{"app_label": "Nom affiché"}, for the libraries' apps whose verbose_name is English or a code."""
    _APPLICATIONS.update(noms)


def nom_application(app_config) -> str:
    return _APPLICATIONS.get(app_config.label) or capfirst(str(app_config.verbose_name))
