"""One measurement in a fresh process: `python bench/tasks.py <task> [args]` prints one JSON line.

bench/run.py starts each task in its own process so that the peak RSS it reports (ru_maxrss, read at the
end) belongs to that task alone, and so that no cache from one figure warms the next.
"""

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

BENCH_USER = "bench-admin"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(**data):
    print(json.dumps({**data, "rss_mb": round(peak_rss_mb(), 1)}))


def superuser():
    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.org"}
    )
    return user


def client() -> Client:
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(superuser())
    return c


def timed_get(c, url, runs):
    """Server time of `runs` GETs (the first one warms templates and connections and is not counted)."""
    assert c.get(url).status_code == 200, url
    times, queries, counts = [], 0, []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = c.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = max(queries, len(ctx.captured_queries))
        counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    # A COUNT(*) with no WHERE over the people table is the full-table count the list must not run.
    full_counts = [sql for sql in counts if '"porteurs_porteur"' in sql and " WHERE " not in sql.upper()]
    return {"ms": times, "queries": queries, "full_counts": len(full_counts)}


def task_admin_list(runs):
    c = client()
    emit(
        liste=timed_get(c, "/admin/porteurs/porteur/", int(runs)),
        page=timed_get(c, "/admin/porteurs/porteur/?p=1000", int(runs)),
        filtre=timed_get(c, "/admin/porteurs/porteur/?etape=creation&quartier=hors_qpv", int(runs)),
        recherche=timed_get(c, "/admin/porteurs/porteur/?q=martin", int(runs)),
    )


def task_bilan_page(annee, runs):
    emit(**timed_get(client(), f"/bilan/{annee}/", int(runs)))


def task_export_bilan(annee, runs):
    from django.core.management import call_command

    times = []
    with tempfile.TemporaryDirectory() as tmp:
        call_command(
            "export_bilan", year=int(annee), format="xlsx", output=f"{tmp}/b.xlsx", stdout=open(os.devnull, "w")
        )
        for _ in range(int(runs)):
            start = time.perf_counter()
            call_command(
                "export_bilan", year=int(annee), format="xlsx", output=f"{tmp}/b.xlsx", stdout=open(os.devnull, "w")
            )
            times.append((time.perf_counter() - start) * 1000)
    emit(ms=times)


def _porteurs(limit):
    from porteurs.models import Porteur

    qs = Porteur.objects.all()
    if int(limit):
        # The first `limit` people: the same table and the same rows' shape, fewer of them.
        borne = qs.order_by("pk").values_list("pk", flat=True)[int(limit) - 1]
        qs = qs.filter(pk__lte=borne)
    return qs


def task_export(fmt, limit, sortie):
    """The admin's export path: PorteurAdmin's export action on the whole (or the first `limit`) people."""
    from django.contrib import admin
    from import_export.formats import base_formats

    from porteurs.models import Porteur

    model_admin = admin.site._registry[Porteur]
    request = RequestFactory().post("/admin/porteurs/porteur/export/")
    request.user = superuser()
    file_format = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}[fmt]()
    queryset = _porteurs(limit)
    start = time.perf_counter()
    response = model_admin._do_file_export(file_format, request, queryset)
    taille = 0
    with open(sortie, "wb") as f:
        for chunk in response.streaming_content:
            taille += len(chunk)
            f.write(chunk)
    response.close()
    emit(s=time.perf_counter() - start, bytes=taille)


def export_sql(limit):
    """The SELECT the admin export runs, for the COPY floor: the same columns, joins and rows."""
    from citeslab.core.exports import colonnes
    from porteurs.resources import PorteurResource

    cols = colonnes(PorteurResource())
    sql, params = _porteurs(limit).values_list(*[c[1] for c in cols]).query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


def task_export_sql(limit):
    print(export_sql(limit))


def task_floor_xlsx(limit, sortie):
    """The xlsx floor: the same rows from a server-side cursor, written by xlsxwriter in constant memory."""
    import xlsxwriter

    sql = export_sql(limit)
    start = time.perf_counter()
    classeur = xlsxwriter.Workbook(sortie, {"constant_memory": True})
    feuille = classeur.add_worksheet("Export")
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="floor") as cursor:
        cursor.itersize = 2000
        cursor.execute(sql)
        for i, row in enumerate(cursor, start=1):
            feuille.write_row(i, 0, row)
    classeur.close()
    emit(s=time.perf_counter() - start, bytes=os.path.getsize(sortie))


FICTION = ["02 61 91", "03 53 01", "05 36 49"]


def task_import_file(n, sortie):
    """A spreadsheet of `n` new people as an office would have it: French headers and dates."""
    import random

    import xlsxwriter
    from faker import Faker

    from citeslab.core.exports import colonnes
    from porteurs.resources import PorteurResource

    fake = Faker("fr_FR")
    fake.seed_instance(7)
    rng = random.Random(7)
    titres = [c[0] for c in colonnes(PorteurResource())]
    classeur = xlsxwriter.Workbook(sortie, {"constant_memory": True})
    feuille = classeur.add_worksheet()
    feuille.write_row(0, 0, titres)
    from permanences.models import Quartier

    quartiers = [*Quartier.objects.values_list("nom", flat=True), "Hors QPV"]
    for i in range(1, int(n) + 1):
        naissance = fake.date_of_birth(minimum_age=18, maximum_age=65)
        ligne = {
            "Nom": fake.last_name(),
            "Prénom": fake.first_name(),
            "Date de naissance": naissance.strftime("%d/%m/%Y"),
            # Unique: a phone already on another row is refused as a likely duplicate.
            # ARCEP's fiction ranges that generate_activity does not use (it takes 01 99 00 and 04 65 71).
            "Téléphone": f"{FICTION[i // 10_000 % len(FICTION)]} {i // 100 % 100:02d} {i % 100:02d}",
            "Adresse électronique": f"import-{i}@example.org",
            "Quartier": rng.choice(quartiers),
            "Genre": rng.choice(["Femme", "Homme"]),
            "Situation à l'arrivée": "",
            "Venu par": "",
            "Secteur d'activité": "",
            "Idée de projet": fake.sentence(nb_words=6),
            "Premier contact": "15/03/2024",
            "Étape du parcours": "Émergence",
            "À relancer le": "",
        }
        feuille.write_row(i, 0, [ligne.get(t, "") for t in titres])
    classeur.close()
    emit(rows=int(n))


def task_import(chemin):
    """The admin's import, confirmed: read the xlsx, validate every row, write them in one transaction."""
    from import_export.formats import base_formats

    from porteurs.models import Porteur
    from porteurs.resources import PorteurResource

    avant = Porteur.objects.count()
    start = time.perf_counter()
    with open(chemin, "rb") as f:
        dataset = base_formats.XLSX().create_dataset(f.read())
    result = PorteurResource().import_data(dataset, dry_run=False, use_transactions=True, raise_errors=False)
    duree = time.perf_counter() - start
    assert not result.has_errors() and not result.has_validation_errors(), "import refusé"
    emit(s=duree, rows=len(dataset), created=Porteur.objects.count() - avant)


def task_atelier(capacite):
    """A public workshop next month with registrations open and no one registered yet."""
    import datetime

    from django.utils import timezone

    from ateliers.models import Atelier

    debut = timezone.now() + datetime.timedelta(days=30)
    atelier = Atelier.objects.create(
        titre="Atelier Émergence (mesure)",
        debut=debut,
        fin=debut + datetime.timedelta(hours=3),
        capacite=int(capacite),
    )
    print(json.dumps({"pk": atelier.pk}))


# Django's file e-mail backend writes each message followed by a line of 79 dashes.
SEPARATEUR = b"\n" + b"-" * 79 + b"\n"


def task_atelier_courriels(pk, dossier):
    """The workshop's registrations beside the messages the task worker wrote and the queue's tasks for them.

    Run once the queue is empty: `dossier` then holds exactly the messages of this run (bench/run.py empties
    it after each run). Each registration stored must have one message, to its own address, and one task,
    succeeded, taken by one worker.
    """
    import email
    import email.policy
    from collections import Counter

    from django_tasks_db.models import DBTaskResult

    from ateliers.models import Inscription

    inscriptions = list(Inscription.objects.filter(atelier_id=int(pk)).values_list("pk", "email", "statut"))
    adresses = Counter(adresse.lower() for _, adresse, _ in inscriptions)
    messages = []
    for fichier in sorted(Path(dossier).glob("*.log")):
        for bloc in fichier.read_bytes().split(SEPARATEUR):
            if bloc.strip():
                messages.append(email.message_from_bytes(bloc, policy=email.policy.default))
    destinataires = Counter(str(m["To"]).lower() for m in messages)
    sujets = Counter(str(m["Subject"]).strip().split(" : ")[0] for m in messages)
    pks = {i[0] for i in inscriptions}
    taches = Counter()
    for args, statut, retour, workers in DBTaskResult.objects.filter(
        task_path="ateliers.taches.envoyer_message"
    ).values_list("args_kwargs", "status", "return_value", "worker_ids"):
        if args["args"][0] in pks:
            taches[f"{statut} {retour} ({len(workers)} worker)"] += 1
    confirmees = sum(1 for i in inscriptions if i[2] == Inscription.Statut.CONFIRMEE)
    attente = sum(1 for i in inscriptions if i[2] == Inscription.Statut.ATTENTE)
    print(
        json.dumps(
            {
                "inscriptions": len(inscriptions),
                "confirmees": confirmees,
                "attente": attente,
                "messages": len(messages),
                "destinataires_distincts": len(destinataires),
                "sujets": dict(sujets),
                "taches": dict(taches),
                "un_message_chacun": (
                    len(messages) == len(inscriptions)
                    and destinataires == adresses
                    and set(adresses.values()) <= {1}
                    and sujets == Counter({"Inscription confirmée": confirmees, "Liste d'attente": attente})
                    and taches == Counter({"SUCCESSFUL envoyé (1 worker)": len(inscriptions)})
                ),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    globals()[f"task_{sys.argv[1]}"](*sys.argv[2:])
