"""10 000 people imported through the admin's own path, beside a plain bulk_create of the same people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a scratch db> python bench/import_10000.py [--lignes N]

Runs alone (not in bench/run.py's gunicorn phases): migrates the database it is given, loads the press kit's
quartiers, writes an xlsx as the office keeps it (« NOM », « Né(e) le », « Tél », short quartier names,
« Salariée »…), then, with the Django test client logged in as a superuser: the upload, the mapping step,
the preview (a dry run of every row), the confirmation, and the import itself run as the worker runs it
(`db_worker --batch`). The floor, in the same run: the same people built as model instances and inserted with
one `bulk_create` in a transaction. People it created are deleted at the end (and at the start, if a previous
run was interrupted). Prints the figures and a markdown row for bench/README.md.
"""

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citeslab.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
os.environ["DJANGO_REQUIRE_2FA"] = "0"
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from faker import Faker  # noqa: E402

from permanences.models import Quartier  # noqa: E402
from porteurs.models import ChangementEtape, Porteur  # noqa: E402

MARQUE = "@import-bench.example.org"
ENTETE = ["NOM", "Prénom", "Né(e) le", "Tél", "Email", "Quartier", "Situation", "Sexe", "Idée", "Commentaire"]
COURTS = ["Ozanam", "Le Viguier", "Fleming", "La Bastide", "Grazailles", "Hors QPV"]
SITUATIONS = ["Salariée", "Demandeuse d'emploi", "RSA", "Étudiant", "Inactive", "Autre"]


def lignes(n):
    fake = Faker("fr_FR")
    fake.seed_instance(7)
    rng = random.Random(7)
    for i in range(n):
        naissance = datetime.date(1958, 1, 1) + datetime.timedelta(days=rng.randint(0, 17_000))
        yield [
            fake.last_name().upper(),
            fake.first_name(),
            naissance.strftime("%d/%m/%Y"),
            f"06 13 {i // 10_000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}",
            f"personne-{i}{MARQUE}",
            rng.choice(COURTS),
            rng.choice(SITUATIONS),
            rng.choice(["F", "H", "Femme", "Homme"]),
            fake.sentence(nb_words=6),
            "à rappeler" if i % 7 == 0 else "",
        ]


def classeur(n) -> bytes:
    sortie = io.BytesIO()
    livre = xlsxwriter.Workbook(sortie, {"in_memory": True})
    feuille = livre.add_worksheet()
    for numero, ligne in enumerate([ENTETE, *lignes(n)]):
        feuille.write_row(numero, 0, ligne)
    livre.close()
    return sortie.getvalue()


def nettoyer():
    """Raw deletes: the admin's delete writes a history row per person, minutes for 10 000 of them."""
    with transaction.atomic():
        pks = list(Porteur.objects.filter(email__endswith=MARQUE).values_list("pk", flat=True))
        for debut in range(0, len(pks), 500):
            lot = pks[debut : debut + 500]
            ChangementEtape.objects.filter(porteur_id__in=lot)._raw_delete(connection.alias)
            Porteur.history.filter(id__in=lot)._raw_delete(connection.alias)
            Porteur.objects.filter(pk__in=lot)._raw_delete(connection.alias)


def plancher(n) -> float:
    """The same people, already parsed, inserted by one bulk_create: what any import must at least do."""
    quartiers = {q.slug: q for q in Quartier.objects.all()}
    personnes = [
        Porteur(
            nom=nom,
            prenom=prenom,
            date_naissance=datetime.datetime.strptime(naissance, "%d/%m/%Y").date(),
            telephone=telephone,
            email=email,
            quartier=quartiers.get("grazailles"),
            idee=idee,
        )
        for nom, prenom, naissance, telephone, email, _, _, _, idee, _ in lignes(n)
    ]
    debut = time.perf_counter()
    with transaction.atomic():
        Porteur.objects.bulk_create(personnes, batch_size=500)
        duree = time.perf_counter() - debut
        transaction.set_rollback(True)
    return duree


def mesurer(n, client):
    fichier = SimpleUploadedFile("porteurs.xlsx", classeur(n))
    url = "/admin/porteurs/porteur/import/"
    debut = time.perf_counter()
    correspondance = client.post(url, {"format": "1", "resource": "0", "import_file": fichier})
    assert correspondance.status_code == 200 and "colonnes" in correspondance.context, correspondance.status_code
    t_correspondance = time.perf_counter() - debut
    donnees = {**correspondance.context["suite"], "etape": "apercu"}
    for colonne in correspondance.context["colonnes"]:
        donnees[f"colonne_{colonne.index}"] = colonne.choix
    debut = time.perf_counter()
    apercu = client.post(url, donnees)
    t_apercu = time.perf_counter() - debut
    assert apercu.context.get("confirm_form") is not None, [
        (ligne.numero, [c.erreurs for c in ligne.cellules if c.erreurs]) for ligne in apercu.context["lignes"][:5]
    ]
    debut = time.perf_counter()
    suivi = client.post("/admin/porteurs/porteur/process_import/", apercu.context["confirm_form"].initial)
    assert suivi.status_code == 302
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0)
    t_import = time.perf_counter() - debut
    assert "Import terminé" in client.get(suivi["Location"]).content.decode()
    crees = Porteur.objects.filter(email__endswith=MARQUE).count()
    assert crees == n, crees
    assert ChangementEtape.objects.filter(porteur__email__endswith=MARQUE).count() == n
    assert Porteur.history.filter(email__endswith=MARQUE, history_type="+").count() == n
    return t_correspondance, t_apercu, t_import


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lignes", type=int, default=10_000)
    parser.add_argument("--mesures", type=int, default=3)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.IMPORT_LIGNES_MAX = max(settings.IMPORT_LIGNES_MAX, args.lignes)
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("seed_carcassonne", verbosity=0)
    utilisateur, _ = get_user_model().objects.get_or_create(
        username="bench-import", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(utilisateur)
    nettoyer()
    mesures, planchers = [], []
    for _ in range(args.mesures):
        planchers.append(plancher(args.lignes))
        mesures.append(mesurer(args.lignes, client))
        nettoyer()
    existants = Porteur.objects.count()
    apercus = [m[1] for m in mesures]
    imports = [m[2] for m in mesures]

    def trio(valeurs):
        return f"{min(valeurs):.1f} / **{statistics.median(valeurs):.1f}** / {max(valeurs):.1f} s"

    print(
        f"base : {connection.vendor}, {existants} porteurs déjà présents, {args.lignes} lignes, {args.mesures} mesures"
    )
    print(f"téléversement + page des colonnes : {statistics.median(m[0] for m in mesures):.2f} s")
    print(f"aperçu (chaque ligne vérifiée, rien d'écrit) : {trio(apercus)}")
    print(f"import confirmé, exécuté par db_worker : {trio(imports)}")
    print(f"plancher (bulk_create des mêmes personnes) : {trio(planchers)}")
    ratio = statistics.median(imports) / statistics.median(planchers)
    print(
        f"| import de {args.lignes} porteurs (xlsx du bureau, confirmé, chemin de l'admin et `db_worker`) "
        f"| {trio(imports)} | `bulk_create` des mêmes personnes : {trio(planchers)} | {ratio:.1f} "
        f"| < 15 s {'✔' if statistics.median(imports) < 15 else '✘'} ; aperçu {trio(apercus)} |"
    )


if __name__ == "__main__":
    main()
