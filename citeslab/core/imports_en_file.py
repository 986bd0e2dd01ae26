"""A confirmed spreadsheet import runs on the task queue, and a page shows how far it is.

Thousands of rows take a minute: the browser no longer waits on one request for it. The confirmation puts
the file in the shared cache under a job id (never in the task table, which keeps its arguments: only ids
travel there) and queues `importer`; the worker imports it all or nothing, as the admin did, and writes its
progress and its outcome in the cache, where the page of the job reads them. The web servers and the worker
must share the cache (Redis or DJANGO_CACHE_DIR; `make run` uses a file cache).
"""

import uuid
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils.module_loading import import_string
from django_tasks import task
from simple_history.models import HistoricalRecords

from citeslab.core.formats import NBSP
from citeslab.core.imports import FichierRefuse, duree_max
from citeslab.core.imports_correspondance import appliquer

PREFIXE_FICHIER = "import-fichier-"
PREFIXE_ETAT = "import-etat-"
PREFIXE_CORRESPONDANCE = "import-correspondance-"
PAS = 50  # rows between two progress updates
DUREE_ETAT = 24 * 3600  # the outcome stays readable a day


@dataclass
class Etat:
    """What the job's page shows. `etat`: en_attente, en_cours, termine, refuse."""

    utilisateur: int
    modele: str
    etat: str = "en_attente"
    faites: int = 0
    total: int = 0
    totaux: dict = field(default_factory=dict)
    message: str = ""

    @property
    def fini(self) -> bool:
        return self.etat in ("termine", "refuse")

    @property
    def pourcentage(self) -> int:
        return int(100 * self.faites / self.total) if self.total else (100 if self.fini else 0)


def lire_etat(travail: str) -> Etat | None:
    donnees = cache.get(PREFIXE_ETAT + travail) if _valide(travail) else None
    return Etat(**donnees) if donnees else None


def _ecrire_etat(travail: str, etat: Etat) -> None:
    cache.set(PREFIXE_ETAT + travail, asdict(etat), DUREE_ETAT)


def _valide(travail: str) -> bool:
    try:
        return uuid.UUID(travail).hex == travail
    except ValueError:
        return False


def _chemin(classe) -> str:
    return f"{classe.__module__}.{classe.__qualname__}"


def mettre_en_file(*, modele, resource_class, format_class, donnees: bytes, utilisateur, correspondance=None) -> str:
    """Keep the file for the worker and queue the import; returns the job id its page is found by.

    `correspondance`: the field each column of the file feeds (imports_correspondance), kept beside the file.
    """
    travail = uuid.uuid4().hex
    cache.set(PREFIXE_FICHIER + travail, donnees, int(duree_max().total_seconds()))
    if correspondance is not None:
        cache.set(PREFIXE_CORRESPONDANCE + travail, correspondance, int(duree_max().total_seconds()))
    _ecrire_etat(travail, Etat(utilisateur=utilisateur.pk, modele=modele._meta.label))
    importer.enqueue(travail, modele._meta.label, _chemin(resource_class), _chemin(format_class), utilisateur.pk)
    return travail


@task()
def importer(travail: str, modele: str, resource_path: str, format_path: str, utilisateur_pk: int) -> str:
    etat = lire_etat(travail) or Etat(utilisateur=utilisateur_pk, modele=modele)
    donnees = cache.get(PREFIXE_FICHIER + travail)
    correspondance = cache.get(PREFIXE_CORRESPONDANCE + travail)
    cache.delete_many([PREFIXE_FICHIER + travail, PREFIXE_CORRESPONDANCE + travail])
    if donnees is None:
        etat.etat, etat.message = "refuse", f"Le fichier n'était plus disponible{NBSP}: importez-le de nouveau."
        _ecrire_etat(travail, etat)
        return etat.etat
    resource = import_string(resource_path)()
    options = {}
    try:
        dataset = import_string(format_path)().create_dataset(donnees)
        if correspondance is not None:
            dataset, options["numeros_lignes"] = appliquer(dataset, correspondance, resource)
    except FichierRefuse as exc:
        etat.etat, etat.message = "refuse", str(exc)
        _ecrire_etat(travail, etat)
        return etat.etat
    etat.etat, etat.total = "en_cours", len(dataset)
    _ecrire_etat(travail, etat)

    apres_chaque_ligne = resource.after_import_row

    def suivre(row, row_result, **kwargs):
        apres_chaque_ligne(row, row_result, **kwargs)
        etat.faites += 1
        if etat.faites % PAS == 0:
            _ecrire_etat(travail, etat)

    resource.after_import_row = suivre
    utilisateur = get_user_model().objects.get(pk=utilisateur_pk)
    # The history rows and the admin log name who imported, as when the admin imported within the request.
    HistoricalRecords.context.request = requete = SimpleNamespace(user=utilisateur)
    try:
        result = resource.import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            retain_instance_in_row_result=True,  # for the admin log
            user=utilisateur,
            **options,
        )
    finally:
        del HistoricalRecords.context.request
    if result.has_errors() or result.has_validation_errors():
        etat.etat = "refuse"
        etat.message = (
            f"Rien n'a été importé{NBSP}: le fichier ne passe plus les contrôles de l'aperçu (une fiche ou une "
            "liste de choix a changé entre-temps). Importez-le de nouveau pour voir les lignes en cause."
        )
    else:
        admin.site._registry[apps.get_model(modele)].generate_log_entries(result, requete)
        etat.etat, etat.faites, etat.totaux = "termine", etat.total, dict(result.totals)
    _ecrire_etat(travail, etat)
    return etat.etat
