"""The personal-data registry: each app declares what its models hold about a person, how it is erased and exported.

Like pretix's data shredders: the right of erasure, the daily purge and the subject-access export ask every
declaration, so no app needs to know another app's tables. A person is a primary key of `porteurs.Porteur`;
each declaration says which field of its rows leads to that key (`cle`). An app declares its models in its
AppConfig.ready(); a test fails when a field that looks personal is in no declaration.
"""

import datetime
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

ANONYME = "Anonyme"
OBJET_EFFACE = "(données effacées)"  # what the admin log's "Actions récentes" shows for an erased row
EMAIL_ANONYME = "anonyme@anonyme.invalid"  # rows that need a contact keep one; .invalid is reserved (RFC 2606)
LOT = 5000  # primary keys per UPDATE … WHERE id IN (…)
TYPES_HISTORIQUE = {"+": "création", "~": "modification", "-": "suppression"}


def duree_conservation() -> datetime.timedelta:
    return datetime.timedelta(days=settings.RGPD_DUREE_CONSERVATION_JOURS)


# Who hears of each batch done (the purge command's progress bar), while inside suivre_les_lots().
_suivi_des_lots: ContextVar[Callable[[int, int], None] | None] = ContextVar("suivi_des_lots", default=None)


@contextmanager
def suivre_les_lots(suivi: Callable[[int, int], None]):
    """While inside, par_lots() tells `suivi(rows done, rows in all)` before the first batch and after each one.

    The purges report their progress this way without a parameter of their own: what they do stays the same.
    """
    jeton = _suivi_des_lots.set(suivi)
    try:
        yield
    finally:
        _suivi_des_lots.reset(jeton)


def par_lots(pks: list) -> Iterable[list]:
    suivi = _suivi_des_lots.get()
    if suivi:
        suivi(0, len(pks))
    for start in range(0, len(pks), LOT):
        yield pks[start : start + LOT]
        if suivi:
            suivi(min(start + LOT, len(pks)), len(pks))


def valeurs(obj, exclude=()) -> dict:
    """The row's fields as a person would read them: labels of choices, names of related rows."""
    resultat = {}
    for champ in obj._meta.concrete_fields:
        if champ.name in exclude:
            continue
        if champ.is_relation:
            # Related rows are select_related by the caller: str() costs no query.
            resultat[champ.name] = str(getattr(obj, champ.name)) if getattr(obj, champ.attname) is not None else None
        elif champ.choices:
            resultat[champ.name] = getattr(obj, f"get_{champ.name}_display")()
        else:
            resultat[champ.name] = getattr(obj, champ.attname)
    return resultat


@dataclass(frozen=True)
class Declaration:
    """What one model holds about a person.

    `effacer`: field -> value (or expression) written on erasure, in the rows and in their history rows.
    `conserver`: fields that look personal but stay, because the reports count them (gender, quartier...).
    `section`: the key of these rows in the subject-access file; `section_historique` that of their history.
    """

    modele: type[models.Model]
    cle: str
    effacer: dict
    conserver: tuple[str, ...] = ()
    section: str = ""
    section_historique: str = ""
    ordre: tuple[str, ...] = ("pk",)
    avec: tuple[str, ...] = ()  # select_related, so the export names related rows without a query each

    @property
    def est_la_personne(self) -> bool:
        return self.cle in ("id", "pk")

    def lignes(self, pks):
        return self.modele._default_manager.filter(**{f"{self.cle}__in": pks})

    def _historique(self, pks):
        """History rows of these people's rows, including versions from before a row was linked to them."""
        history = getattr(self.modele, "history", None)
        if history is None:
            return None
        if self.est_la_personne:
            return history.filter(id__in=pks)
        return history.filter(Q(**{f"{self.cle}__in": pks}) | Q(id__in=self.lignes(pks).values("pk")))

    def effacer_pour(self, pks: list) -> None:
        """Erase what these people's rows say about them: the rows, their earlier versions, the admin log."""
        effacer_du_journal(self.modele, self.lignes(pks).values_list("pk", flat=True))
        self.effacer_historique(pks)
        self.lignes(pks).update(**self.effacer)

    def effacer_historique(self, pks: list) -> None:
        """The earlier versions only: what remains of these people's rows once the rows themselves are gone."""
        historique = self._historique(pks)
        if historique is not None:
            historique.update(**self.effacer)

    def effacer_lignes(self, queryset) -> int:
        """Erase given rows of this model (and their versions), whoever they belong to. Returns how many."""
        pks = list(queryset.values_list("pk", flat=True))
        history = getattr(self.modele, "history", None)
        for lot in par_lots(pks):
            effacer_du_journal(self.modele, lot)
            self.modele._default_manager.filter(pk__in=lot).update(**self.effacer)
            if history is not None:
                history.filter(id__in=lot).update(**self.effacer)
        return len(pks)

    def exporter(self, pks) -> dict[int, list[dict]]:
        """These people's rows as dicts, by person. One query."""
        exclure = () if self.est_la_personne else (self.modele._meta.get_field(self.cle).name,)
        rows = self.lignes(pks).select_related(*self.avec).order_by(*self.ordre)
        groupes: dict[int, list[dict]] = {}
        for row in rows:
            groupes.setdefault(getattr(row, self.cle), []).append(valeurs(row, exclude=exclure))
        return groupes

    def exporter_historique(self, pks) -> dict[int, list[dict]]:
        """Every saved version of these people's rows, by person: date, kind, author and values."""
        historique = self._historique(pks)
        if historique is None:
            return {}
        proprietaires = {} if self.est_la_personne else dict(self.lignes(pks).values_list("pk", self.cle))
        suivis = {f.attname for f in self.modele._meta.concrete_fields} | {"id"}
        groupes: dict[int, list[dict]] = {}
        for row in historique.select_related("history_user").order_by("history_date"):
            personne = row.id if self.est_la_personne else proprietaires.get(row.id, getattr(row, self.cle))
            groupes.setdefault(personne, []).append(
                {
                    "date": row.history_date,
                    "type": TYPES_HISTORIQUE.get(row.history_type, row.history_type),
                    "par": row.history_user.get_username() if row.history_user_id else None,
                    "valeurs": {
                        f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname in suivis
                    },
                }
            )
        return groupes


def effacer_du_journal(modele, pks) -> None:
    """The admin log names each row it records (str(obj), a person's name for most of them): blank it."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(modele, for_concrete_model=False),
        object_id__in=[str(pk) for pk in pks],
    ).update(object_repr=OBJET_EFFACE)


@dataclass(frozen=True)
class Purge:
    """Rows that the daily purge erases: `a_purger(le)` is a queryset of what is due on that day."""

    libelle: str  # "porteur(s)": the purge's report counts, never names
    a_purger: Callable
    executer: Callable  # (queryset) -> number of rows erased


@dataclass
class Registre:
    declarations: list[Declaration] = field(default_factory=list)
    purges: list[Purge] = field(default_factory=list)
    # Fields that look personal on models that hold no resident's data (a place's address, the office's contact).
    publiques: dict[type[models.Model], tuple[tuple[str, ...], str]] = field(default_factory=dict)

    def declarer(self, *declarations: Declaration) -> None:
        for declaration in declarations:
            if declaration not in self.declarations:
                self.declarations.append(declaration)

    def declarer_purge(self, purge: Purge) -> None:
        if purge not in self.purges:
            self.purges.append(purge)

    def declarer_donnees_publiques(self, modele, champs: tuple[str, ...], raison: str) -> None:
        self.publiques[modele] = (champs, raison)


registre = Registre()
