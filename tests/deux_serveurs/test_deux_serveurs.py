"""Two application servers, one database: what a second host behind the proxy must not break.

Two gunicorn instances (two ports, as two hosts would be; 2 workers × 4 threads each) on the PostgreSQL test
database of this run and on one Redis (db 7, emptied before each test and at the end), with production settings:
DEBUG off, behind the proxy (the client address is the last hop of X-Forwarded-For), no second factor for the
staff account of the test. Everything is asked over HTTP, as a resident or the chef de projet would:

1. a closure saved in the admin of server A is on server B's public page at the very next request;
2. the per-address limit on workshop registrations counts the requests of both servers together;
3. 30 simultaneous registrations spread over both servers for 10 seats: 10 confirmed, 20 waiting, never more;
4. two task workers running beside both servers send each confirmation once.

Skipped when Redis does not answer on 127.0.0.1:6379; on PostgreSQL that skip fails the run (tests/conftest.py),
which is what CI, where Redis runs, wants. `pytest -s` prints how the two workers shared the messages.
"""

import functools
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django_ratelimit.core import _get_window, _split_rate
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from faker import Faker

from ateliers.models import Inscription
from permanences.models import Fermeture
from tests.ateliers.factories import AtelierFactory
from tests.deux_serveurs.outils import Navigateur, Processus, attendre_healthz, courriels, port_libre

RACINE = Path(__file__).resolve().parents[2]
REDIS_HOTE, REDIS_PORT, REDIS_BASE = "127.0.0.1", 6379, 7
LIMITE = "5/m"
MOT_DE_PASSE = "mot-de-passe-de-test-long"  # the `administrateur` fixture's (tests/conftest.py)
# Django's RedisCache stores a key as "<KEY_PREFIX>:<version>:<key>" (KEY_PREFIX "citeslab", settings.py).
CLE_VERSION = "citeslab:1:public:version"


def url_de_la_base_de_test() -> str:
    """DATABASE_URL of the database pytest-django created for this run (its name is test_<name>)."""
    reglages = connection.settings_dict
    utilisateur = quote(reglages["USER"] or "", safe="")
    if reglages["PASSWORD"]:
        utilisateur += ":" + quote(reglages["PASSWORD"], safe="")
    hote = reglages["HOST"] or "127.0.0.1"
    port = reglages["PORT"] or "5432"
    return f"postgres://{utilisateur}@{hote}:{port}/{quote(reglages['NAME'], safe='')}"


@pytest.fixture(scope="module")
def redis_partage():
    client = redis.Redis(host=REDIS_HOTE, port=REDIS_PORT, db=REDIS_BASE, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        pytest.skip(
            f"Redis ne répond pas sur {REDIS_HOTE}:{REDIS_PORT} ({exc}) : les deux serveurs partagent leur cache "
            "dans Redis (DJANGO_REDIS_URL)"
        )
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(scope="module")
def environnement(django_db_setup, redis_partage, tmp_path_factory):
    """The environment of every subprocess: production settings, this run's test database, Redis db 7."""
    if connection.vendor != "postgresql":
        pytest.skip("demande PostgreSQL : deux serveurs et leurs workers écrivent ensemble dans la même base")
    herite = {nom: valeur for nom, valeur in os.environ.items() if not nom.startswith("DJANGO_")}
    herite.pop("DATABASE_URL", None)
    return {
        **herite,
        "DATABASE_URL": url_de_la_base_de_test(),
        "DJANGO_REDIS_URL": f"redis://{REDIS_HOTE}:{REDIS_PORT}/{REDIS_BASE}",
        "DJANGO_SETTINGS_MODULE": "citeslab.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "cle-secrete-du-test-deux-serveurs-jamais-en-production",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_HTTPS": "0",
        "DJANGO_REQUIRE_2FA": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_BEHIND_PROXY": "1",
        "DJANGO_PROXY_COUNT": "1",
        "DJANGO_ATELIERS_INSCRIPTIONS_PAR_ADRESSE": LIMITE,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(tmp_path_factory.mktemp("courriels-des-serveurs")),
        "DJANGO_LOG_LEVEL": "WARNING",
    }


@pytest.fixture(scope="module")
def serveurs(environnement, tmp_path_factory):
    """Server A and server B: their ports, once both answer /healthz. Stopped (whole process group) at the end."""
    dossier = tmp_path_factory.mktemp("serveurs")
    lances = []
    try:
        for nom in ("serveur-A", "serveur-B"):
            port = port_libre()
            commande = [
                *(sys.executable, "-m", "gunicorn", "citeslab.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "gthread", "--threads", "4"),
            ]
            lances.append((Processus(nom, commande, environnement, dossier, RACINE), port))
        attendre_healthz(lances)
        yield tuple(port for _, port in lances)
    finally:
        for processus, _ in lances:
            processus.arreter()
        # The servers' connections went with their processes; this process's own go too, so that the test
        # database can be dropped at the end of the run.
        connections.close_all()


@pytest.fixture
def a_et_b(serveurs, redis_partage):
    """Both servers, with an empty shared cache: no page, no counter left by another test."""
    redis_partage.flushdb()
    return serveurs


@functools.cache
def personne(i: int) -> dict:
    """The registration form of the i-th synthetic resident (Faker, never a real person), one e-mail each."""
    faux = Faker("fr_FR")
    faux.seed_instance(i)
    return {
        "prenom": faux.first_name(),
        "nom": faux.last_name(),
        "telephone": "",
        "email": f"habitant{i}@example.org",
        "quartier": "",
    }


def adresse_loin_de_la_fin_de_sa_fenetre(prefixe: str, marge: float = 20) -> str:
    """An address whose rate-limit window has at least `marge` seconds left.

    django-ratelimit counts in fixed windows (60 s for 5/m), each key's shifted by the crc32 of the address: an
    address whose window ended in the middle of the test would start counting afresh and prove nothing.
    """
    _, periode = _split_rate(LIMITE)
    for n in range(1, 255):
        adresse = f"{prefixe}.{n}"
        if _get_window(adresse, periode) - time.time() >= marge:
            return adresse
    raise AssertionError(f"aucune adresse de {prefixe}.0/24 loin de la fin de sa fenêtre")


def inscrire_en_meme_temps(atelier, ports, nombre: int) -> list:
    """`nombre` residents, each with their own address, alternately on A and B, post the form at the same moment.

    Each first GETs the page (CSRF cookie and token) on the server it will post to; the POSTs leave together.
    """
    chemin = atelier.get_absolute_url()
    visiteurs = [Navigateur(ports[i % 2], f"198.51.100.{i + 1}") for i in range(nombre)]
    barriere = threading.Barrier(nombre)
    reponses = [None] * nombre
    erreurs = []

    def inscrire(i):
        try:
            jeton = visiteurs[i].jeton_csrf(chemin)
            barriere.wait(timeout=30)
            reponses[i] = visiteurs[i].poster(chemin, personne(i), jeton)
        except Exception as exc:  # collected and asserted in the main thread
            erreurs.append(exc)
            barriere.abort()

    threads = [threading.Thread(target=inscrire, args=(i,)) for i in range(nombre)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "des inscriptions n'ont pas reçu de réponse en 60 s"
    assert not erreurs, erreurs
    return reponses


def attendre_la_file_vide(attendues: int, travailleurs, delai: float = 30) -> Counter:
    """Until `attendues` tasks are finished and none is waiting or running; the statuses, counted."""
    limite = time.monotonic() + delai
    while True:
        for travailleur in travailleurs:
            assert travailleur.popen.poll() is None, f"{travailleur.nom} s'est arrêté :\n{travailleur.sortie()}"
        statuts = Counter(DBTaskResult.objects.values_list("status", flat=True))
        finies = statuts[TaskResultStatus.SUCCESSFUL] + statuts[TaskResultStatus.FAILED]
        en_cours = statuts[TaskResultStatus.READY] + statuts[TaskResultStatus.RUNNING]
        if finies >= attendues and not en_cours:
            return statuts
        if time.monotonic() > limite:
            sorties = "\n\n".join(f"== {t.nom}\n{t.sortie()}" for t in travailleurs)
            raise AssertionError(f"file pas vide après {delai:.0f} s : {dict(statuts)}\n{sorties}")
        time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_closure_saved_in_the_admin_of_server_a_is_on_the_public_page_of_server_b_at_the_next_request(
    a_et_b, redis_partage, seeded, administrateur
):
    port_a, port_b = a_et_b
    motif = "Fermeture exceptionnelle — formation du chef de projet"
    visiteur_a, visiteur_b = Navigateur(port_a), Navigateur(port_b)

    # Warm: each server has rendered or read the page, and keeps it in its processes and in Redis.
    for visiteur in (visiteur_a, visiteur_a, visiteur_b, visiteur_b):
        page = visiteur.get("/permanences/")
        assert page.status == 200
        assert "Permanences" in page.texte and motif not in page.texte
    assert redis_partage.keys("citeslab:1:public:*:page:semaine:*"), "la page n'est pas dans le cache partagé"
    version_avant = redis_partage.get(CLE_VERSION)
    assert version_avant is not None

    # The chef de projet, on server A: login page, then the admin's "add a closure" form.
    chef = Navigateur(port_a, adresse="192.0.2.20")
    connexion = chef.poster(
        "/admin/login/",
        {"username": administrateur.username, "password": MOT_DE_PASSE, "next": "/admin/"},
        chef.jeton_csrf("/admin/login/"),
    )
    assert (connexion.status, connexion.location) == (302, "/admin/"), connexion.texte[-2000:]
    ajout = reverse("admin:permanences_fermeture_add")
    aujourd_hui = f"{timezone.localdate():%d/%m/%Y}"
    enregistrement = chef.poster(
        ajout,
        {"debut": aujourd_hui, "fin": aujourd_hui, "motif": motif, "permanence": "", "_save": "Enregistrer"},
        chef.jeton_csrf(ajout),
    )
    assert enregistrement.status == 302, enregistrement.texte[-3000:]
    assert enregistrement.location == reverse("admin:permanences_fermeture_changelist")
    assert Fermeture.objects.filter(motif=motif, debut=timezone.localdate(), permanence=None).count() == 1
    assert redis_partage.get(CLE_VERSION) != version_avant, "le serveur A n'a pas changé la version partagée"

    # The very next request on server B, which had the page in its processes.
    page_b = visiteur_b.get("/permanences/")
    assert page_b.status == 200
    assert motif in page_b.texte, "le serveur B sert encore la page d'avant la fermeture"
    assert "Fermetures cette semaine" in page_b.texte
    assert motif in visiteur_a.get("/permanences/").texte, "le serveur A sert encore la page d'avant la fermeture"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_per_address_registration_limit_counts_the_posts_of_both_servers_together(a_et_b):
    port_a, port_b = a_et_b
    atelier = AtelierFactory(capacite=50)
    chemin = atelier.get_absolute_url()
    adresse = adresse_loin_de_la_fin_de_sa_fenetre("203.0.113")

    # Seven residents behind the same address, alternately on A and B: five allowed (5/m), then refused on both.
    reponses = []
    for i in range(7):
        visiteur = Navigateur((port_a, port_b)[i % 2], adresse)
        reponses.append(visiteur.poster(chemin, personne(i), visiteur.jeton_csrf(chemin)))
    vus = [("AB"[i % 2], r.status) for i, r in enumerate(reponses)]
    assert vus == [("A", 302), ("B", 302), ("A", 302), ("B", 302), ("A", 302), ("B", 429), ("A", 429)], vus
    for refus in reponses[5:]:
        assert "Trop de demandes" in refus.texte and "patientez une minute" in refus.texte
        assert refus.headers["Retry-After"] == "60"
    assert atelier.inscriptions.count() == 5

    # Another address gets through on either server.
    for i, port in enumerate((port_b, port_a), start=10):
        voisin = Navigateur(port, "192.0.2.77")
        reponse = voisin.poster(chemin, personne(i), voisin.jeton_csrf(chemin))
        assert reponse.status == 302, reponse.texte[-1500:]
    assert atelier.inscriptions.count() == 7


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_simultaneous_registrations_over_both_servers_never_overbook_ten_seats(a_et_b):
    atelier = AtelierFactory(capacite=10)

    reponses = inscrire_en_meme_temps(atelier, a_et_b, 30)

    assert [r.status for r in reponses] == [302] * 30, [r.texte[-1500:] for r in reponses if r.status != 302]
    assert all(r.location.startswith("/ateliers/inscription/") for r in reponses)
    statuts = Counter(atelier.inscriptions.values_list("statut", flat=True))
    assert statuts == {Inscription.Statut.CONFIRMEE: 10, Inscription.Statut.ATTENTE: 20}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_task_workers_beside_both_servers_send_each_confirmation_exactly_once(a_et_b, environnement, tmp_path):
    dossier = tmp_path / "courriels"
    env = {**environnement, "DJANGO_EMAIL_FILE_PATH": str(dossier), "DJANGO_LOG_LEVEL": "INFO"}
    commande = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"]
    travailleurs = []
    try:
        for n in (1, 2):
            # A folder each: the file backend names its files after the second and appends to them.
            env_n = {**env, "DJANGO_EMAIL_FILE_PATH": str(dossier / f"db_worker-{n}")}
            travailleurs.append(Processus(f"db_worker-{n}", commande, env_n, tmp_path, RACINE))
        atelier = AtelierFactory(capacite=10)
        reponses = inscrire_en_meme_temps(atelier, a_et_b, 30)
        assert [r.status for r in reponses] == [302] * 30
        statuts = attendre_la_file_vide(30, travailleurs)
    finally:
        for travailleur in travailleurs:
            travailleur.arreter()

    assert statuts == {TaskResultStatus.SUCCESSFUL: 30}
    taches = list(DBTaskResult.objects.values_list("return_value", "worker_ids"))
    assert [retour for retour, _ in taches] == ["envoyé"] * 30
    assert all(len(ids) == 1 for _, ids in taches), "une tâche a été prise par deux workers"
    print(f"\nmessages par worker : {dict(Counter(ids[0] for _, ids in taches))}")

    messages = courriels(dossier)
    assert Counter(str(m["To"]) for m in messages) == {personne(i)["email"]: 1 for i in range(30)}
    sujets = Counter(str(m["Subject"]).strip().split(" : ")[0] for m in messages)
    assert sujets == {"Inscription confirmée": 10, "Liste d'attente": 20}
