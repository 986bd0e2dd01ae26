"""`make bench`: measure the portal beside its floors, in the same run, and rewrite bench/README.md.

Quick pass by default (BENCH_PEOPLE=2000, 5 s of load, 3 runs); `BENCH_PEOPLE=100000 make bench` for the
scale of the national network. It creates a scratch PostgreSQL database, empties its own Redis database (the
shared cache, as in production), starts gunicorn, the task worker (`db_worker`) and wrk itself, and stops
everything it started and empties that Redis database again, whatever happens.
"""

import collections
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "2000"))
FULL = PEOPLE >= 100_000
DURATION = int(os.environ.get("BENCH_DURATION", "30" if FULL else "5"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CONNECTIONS = 20
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DBNAME = os.environ.get("BENCH_DB", "citeslab_bench")
DATABASE_URL = f"{PG}/{DBNAME}"
# BENCH_REUSE_DB=1: measure an existing database (BENCH_DB) as it is, neither generated nor dropped.
REUSE = os.environ.get("BENCH_REUSE_DB") == "1"
# The shared cache is Redis, as in production: a Redis database of its own, emptied at the start and the end.
# (tests/deux_serveurs uses db 7; pick another number with BENCH_REDIS_DB if 11 is taken.)
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "11"))
REDIS_URL = f"{REDIS}/{REDIS_DB}"
# The messages the task worker sends, one file per message (Django's file e-mail backend), counted per run.
MAIL_DIR = tempfile.mkdtemp(prefix="citeslab-bench-mail-")
GUNICORN_ARGS = ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--log-level", "warning"]

ENV = {
    # The caller's DJANGO_* settings (a DJANGO_DEBUG=1 or a DJANGO_CACHE_DIR left in a shell) stay out.
    **{name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")},
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_REQUIRE_2FA": "0",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "PYTHONPATH": str(ROOT),
    # As production runs it: hashed static files collected beforehand, Redis as the cache shared by the workers.
    "DJANGO_STATIC_MANIFEST": "1",
    "DJANGO_REDIS_URL": REDIS_URL,
    # Registration e-mails are sent by the task worker, to files in a temporary folder (never to a log), and
    # counted after each run: every registration's message once.
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "DJANGO_EMAIL_FILE_PATH": MAIL_DIR,
    "DJANGO_LOG_LEVEL": "WARNING",
}
ANNEE_BILAN = datetime.date.today().year - 1  # the last full year, the one /bilan/ opens
SMALL = min(10_000, max(PEOPLE // 10, 1))  # the memory figure's smaller export

results: list[dict] = []  # rows of the README table


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def sh(*args, env=ENV, check=True, capture=False, **kwargs):
    return subprocess.run(list(args), cwd=ROOT, env=env, check=check, text=True, capture_output=capture, **kwargs)


def manage(*args, capture=False):
    return sh(PY, "manage.py", *args, capture=capture)


def stats(values):
    values = sorted(values)
    return values[0], statistics.median(values), values[-1]


def fmt(values, unit="", digits=1):
    lo, med, hi = stats(values)
    return f"{lo:.{digits}f} / **{med:.{digits}f}** / {hi:.{digits}f}{unit}"


def record(what, values, unit, floor_name=None, floor_values=None, ratio=None, bar="", digits=1):
    row = {"what": what, "value": fmt(values, unit, digits), "floor": "—", "ratio": "—", "bar": bar}
    if floor_values:
        row["floor"] = f"{floor_name}: {fmt(floor_values, unit, digits)}"
        row["ratio"] = f"{ratio:.2f}" if ratio is not None else "—"
    results.append(row)
    charges.append(os.getloadavg()[0])
    log(f"{what}: {row['value']} (floor {row['floor']}, ratio {row['ratio']}) {bar}")
    return row


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Adresse(str):
    """The base URL of a server started here, and the process group whose CPU time it spends."""

    pgid: int


@contextlib.contextmanager
def gunicorn(app, ready="/bench/trivial/"):
    port = free_port()
    proc = subprocess.Popen(
        [PY, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", *GUNICORN_ARGS],
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
    )
    try:
        # Ready when a worker answers over HTTP (the socket is bound before the workers have loaded Django).
        for _ in range(300):
            with contextlib.suppress(OSError), urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}", timeout=2):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn {app} did not start")
        # Every worker has loaded the app and opened its database connection before the clock starts.
        for _ in range(20):
            with contextlib.suppress(OSError), urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}", timeout=5):
                pass
        base = Adresse(f"http://127.0.0.1:{port}")
        base.pgid = proc.pid  # start_new_session: the master's pid is the group's id
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@contextlib.contextmanager
def db_worker():
    """The task worker as production runs it beside gunicorn (same settings); stopped at the end, always."""
    journal = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(
        [PY, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
        cwd=ROOT,
        env=ENV,
        stdout=journal,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # As deploy/systemd/citeslab-worker.service runs it: Nice=10, the residents' pages first.
        preexec_fn=lambda: os.nice(10),
    )

    def sortie():
        journal.seek(0)
        return journal.read()[-3000:]

    proc.sortie = sortie
    try:
        yield proc
    finally:
        # SIGTERM: the worker finishes the message it is sending, then exits.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        journal.close()


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=10)


def vider_redis():
    client = redis_client()
    try:
        client.flushdb()
    finally:
        client.close()


TASKS_TABLE = "django_tasks_database_dbtaskresult"  # django-tasks-db's DBTaskResult


def file_des_taches():
    """How many tasks of the queue are in each status (READY, RUNNING, SUCCESSFUL, FAILED)."""
    out = sh("psql", DATABASE_URL, "-tAc", f"SELECT status, count(*) FROM {TASKS_TABLE} GROUP BY status", capture=True)
    return collections.Counter({status: int(n) for status, n in (line.split("|") for line in out.stdout.split())})


QUEUE_STALL = 30  # seconds without a task finished: the worker is stuck, stop waiting
QUEUE_MAX = 300  # seconds, whatever happens


def attendre_la_file_vide(worker):
    """Seconds until no task is READY or RUNNING (the worker has sent everything); None if it did not come."""
    start = last_progress = time.perf_counter()
    done = -1
    while True:
        if worker.poll() is not None:
            raise RuntimeError(f"db_worker s'est arrêté (code {worker.returncode}) :\n{worker.sortie()}")
        statuts = file_des_taches()
        now = time.perf_counter()
        if not statuts["READY"] and not statuts["RUNNING"]:
            return now - start
        if statuts["SUCCESSFUL"] + statuts["FAILED"] > done:
            done, last_progress = statuts["SUCCESSFUL"] + statuts["FAILED"], now
        if now - last_progress > QUEUE_STALL or now - start > QUEUE_MAX:
            log(f"file des tâches pas vide après {now - start:.0f} s : {dict(statuts)}\n{worker.sortie()}")
            return None
        time.sleep(0.2)


def vider_les_courriels():
    for fichier in Path(MAIL_DIR).iterdir():
        fichier.unlink()


TICK = os.sysconf("SC_CLK_TCK")
charges = []  # the machine's load average (1 min) at each measurement, for the README


def _cpu_de(pid):
    """utime + stime of a process, in seconds (Linux /proc); None if it has gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            champs = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(champs[11]) + int(champs[12])) / TICK


def _groupe(pgid):
    pids = []
    for nom in os.listdir("/proc"):
        if nom.isdigit():
            with contextlib.suppress(OSError):
                if os.getpgid(int(nom)) == pgid:
                    pids.append(int(nom))
    return pids


def _backends():
    """PostgreSQL's server processes connected to the bench database (gunicorn's and the worker's)."""
    out = sh(
        "psql", f"{PG}/postgres", "-tAc", f"SELECT pid FROM pg_stat_activity WHERE datname = '{DBNAME}'", capture=True
    )
    return [int(pid) for pid in out.stdout.split()]


def _redis_cpu():
    client = redis_client()
    try:
        info = client.info("cpu")
    finally:
        client.close()
    return info["used_cpu_user"] + info["used_cpu_sys"]


class CPU:
    """CPU seconds spent by the processes behind a figure between `debut()` and `fin()`, by family.

    Requests/s on a machine shared with other work depend on how much of the 2 cores the run gets; the CPU time
    each request costs depends much less on it. Families: the gunicorn and db_worker process groups, the
    PostgreSQL backends connected to the bench database (a backend that appears meanwhile counts from 0), and the
    Redis server (all of it: other users of the same server count too).
    """

    def __init__(self, **groupes):
        self.groupes = groupes  # family -> process group id

    def _releve(self):
        pids = {nom: _groupe(pgid) for nom, pgid in self.groupes.items()}
        pids["postgres"] = _backends()
        releve = {nom: {pid: _cpu_de(pid) for pid in liste} for nom, liste in pids.items()}
        releve["redis"] = {0: _redis_cpu()}
        return releve

    def debut(self):
        charges.append(os.getloadavg()[0])
        self._avant = self._releve()

    def fin(self):
        apres = self._releve()
        ecarts = {}
        for nom, pids in apres.items():
            avant = self._avant.get(nom, {})
            ecarts[nom] = sum(t - (avant.get(pid) or 0) for pid, t in pids.items() if t is not None)
        return ecarts


def ms_par(ecarts, n, familles):
    return 1000 * sum(ecarts[f] for f in familles) / max(n, 1)


WRK_LATENCY = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def task(*args):
    """One measurement in its own process (bench/tasks.py): its JSON answer."""
    out = sh(PY, "bench/tasks.py", *map(str, args), capture=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def timed(*args, env=ENV):
    """Wall time in seconds of a command (its output thrown away)."""
    start = time.perf_counter()
    subprocess.run(list(args), cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def mark(ok):
    return "✔" if ok else "✘"


def wrk(url, *, script=None, duration=DURATION):
    """Requests/s, p99 latency in ms and errors (socket errors + non-2xx/3xx answers)."""
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if script:
        args += ["-s", str(script)]
    out = subprocess.run([*args, url], check=True, text=True, capture_output=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = WRK_LATENCY.search(out).groups()
    p99 = float(value) * UNIT[unit]
    errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    return rps, p99, errors, int(re.search(r"(\d+) requests in", out).group(1))


def prepare_database():
    log(f"base PostgreSQL {DBNAME} neuve, {PEOPLE} porteurs")
    admin = f"{PG}/postgres"
    sh("psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {DBNAME}", "-c", f"CREATE DATABASE {DBNAME}")
    manage("migrate", "-v0", "--noinput")
    manage("collectstatic", "-v0", "--noinput")
    manage("seed_carcassonne")
    times = []
    start = time.perf_counter()
    manage("generate_activity", "--people", str(PEOPLE), "--seed", "1")
    times.append(time.perf_counter() - start)
    sh("psql", DATABASE_URL, "-q", "-c", "VACUUM ANALYZE")
    record(
        f"`generate_activity --people {PEOPLE}`",
        times,
        " s",
        bar="< 300 s à 100 000 " + mark(times[0] < 300) if FULL else "(passe rapide)",
    )


def bench_pages():
    """Public pages beside the trivial Django view, served from the shared cache (Redis).

    The runs alternate (trivial view, `/`, `/permanences/`, then again): on a machine whose load changes from
    one minute to the next, each page's run sits beside a floor run, not a minute after all of them.
    """
    floors = {}
    with gunicorn("bench.hello_wsgi:application", ready="/") as base:
        floors["wsgi"] = [wrk(base + "/") for _ in range(RUNS)]
    chemins = ["/bench/trivial/", "/", "/permanences/"]
    mesures = {chemin: [] for chemin in chemins}
    cpu_ms = {chemin: [] for chemin in chemins}
    with gunicorn("citeslab.wsgi:application") as base:
        cpu = CPU(gunicorn=base.pgid)
        for path in chemins[1:]:
            with urllib.request.urlopen(base + path) as response:
                assert response.status == 200, path
        for _ in range(RUNS):
            for chemin in chemins:
                cpu.debut()
                r = wrk(base + chemin)
                ecarts = cpu.fin()
                mesures[chemin].append(r)
                cpu_ms[chemin].append(ms_par(ecarts, r[3], ["gunicorn", "redis"]))
    floors["django"] = mesures.pop("/bench/trivial/")
    wsgi_rps = statistics.median(r[0] for r in floors["wsgi"])
    django_rps = statistics.median(r[0] for r in floors["django"])
    record("WSGI « hello » (gunicorn), req/s", [r[0] for r in floors["wsgi"]], "")
    record(
        "vue Django triviale, req/s",
        [r[0] for r in floors["django"]],
        "",
        "WSGI nu",
        [r[0] for r in floors["wsgi"]],
        django_rps / wsgi_rps,
    )
    for path, runs in mesures.items():
        rps = [r[0] for r in runs]
        p99 = [r[1] for r in runs]
        errors = sum(r[2] for r in runs)
        ratio = statistics.median(rps) / django_rps
        record(
            f"`{path}` req/s (20 connexions)",
            rps,
            "",
            "vue Django triviale",
            [r[0] for r in floors["django"]],
            ratio,
            bar=f"≥ 0.8 × Django ; {statistics.median(rps) / wsgi_rps:.2f} × WSGI nu ; {errors} erreurs "
            + mark(ratio >= 0.8 and errors == 0),
        )
        # Like every other bar, on the median of the runs; the worst run stays visible as the max.
        record(
            f"`{path}` latence p99",
            p99,
            " ms",
            "vue Django triviale",
            [r[1] for r in floors["django"]],
            statistics.median(p99) / statistics.median(r[1] for r in floors["django"]),
            bar="< 100 ms " + mark(statistics.median(p99) < 100),
        )
    for path in chemins[1:]:
        record(
            f"`{path}` temps CPU par requête (gunicorn + serveur Redis)",
            cpu_ms[path],
            " ms",
            "vue Django triviale",
            cpu_ms["/bench/trivial/"],
            statistics.median(cpu_ms[path]) / statistics.median(cpu_ms["/bench/trivial/"]),
            bar="rapporté (ratio : × le plancher ; 1/ratio = le req/s relatif sur une machine saturée)",
            digits=2,
        )


POST_LUA = """
local n = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  bad = 0
  headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "csrftoken=%(cookie)s"}
end
function request()
  n = n + 1
  local body = "csrfmiddlewaretoken=%(token)s&prenom=Camille&nom=Essai&telephone=&quartier=&email=bench-"
    .. id .. "-" .. n .. "%%40example.org"
  return wrk.format("POST", nil, headers, body)
end
function response(status, headers, body)
  if status ~= 302 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write("NOT302 " .. total .. "\\n")
end
"""


def csrf(base, path):
    """A CSRF cookie and a form token, as a browser gets them from the workshop's page."""
    with urllib.request.urlopen(base + path) as response:
        html = response.read().decode()
        cookie = next(
            c.split(";")[0].split("=", 1)[1]
            for c in response.headers.get_all("Set-Cookie")
            if c.startswith("csrftoken=")
        )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookie, token


def wrk_post(url, cookie, token):
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(POST_LUA % {"cookie": cookie, "token": urllib.parse.quote(token)})
    try:
        args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "--timeout", "10s", "-s", str(script)]
        out = subprocess.run([*args, url], check=True, text=True, capture_output=True).stdout
    finally:
        script.unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = int(re.search(r"NOT302 (\d+)", out).group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    value, unit = WRK_LATENCY.search(out).groups()
    return rps, float(value) * UNIT[unit], errors, int(re.search(r"(\d+) requests in", out).group(1))


FAMILLES = ["gunicorn", "postgres", "worker", "redis"]


def bench_inscriptions():
    """Registrations to one workshop, 20 connections at once: the seats are the contended row.

    Each registration queues its confirmation in its transaction; the task worker, running beside gunicorn as
    in production, sends it. After each run: wait (bounded) until the queue is empty, then every registration
    stored must have had exactly one message, to its own address, and its task must have succeeded once.
    """
    capacite = 12
    floor, une_ligne, runs, exact, courriels, vidages = [], [], [], [], [], []
    cpu_floor, cpu_runs, cpu_floor_ms, cpu_runs_ms, inscrits = [], [], [], [], []
    with gunicorn("citeslab.wsgi:application") as base, db_worker() as worker:
        cpu = CPU(gunicorn=base.pgid, worker=worker.pid)
        # A reused database may hold tasks queued before: sent (to the folder) and thrown away first.
        if attendre_la_file_vide(worker) is None:
            raise RuntimeError("la file des tâches ne se vide pas avant la mesure")
        vider_les_courriels()
        for _ in range(RUNS):
            pk = task("atelier", capacite)["pk"]
            cookie, token = csrf(base, f"/ateliers/{pk}/")
            cpu.debut()
            floor.append(wrk_post(base + "/bench/inscription/", cookie, token))
            cpu_floor.append(cpu.fin())
            cpu_floor_ms.append(ms_par(cpu_floor[-1], floor[-1][3], FAMILLES))
            # The second floor writes its rows (waiting list, no message) in a workshop of its own.
            une_ligne.append(
                wrk_post(base + f"/bench/inscription/{task('atelier', capacite)['pk']}/ligne/", cookie, token)
            )
            # The registrations' CPU: the requests, then the worker until it has sent the last message.
            cpu.debut()
            runs.append(wrk_post(base + f"/ateliers/{pk}/", cookie, token))
            vidage = attendre_la_file_vide(worker)
            cpu_runs.append(cpu.fin())
            compte = task("atelier_courriels", pk, MAIL_DIR)
            cpu_runs_ms.append(ms_par(cpu_runs[-1], compte["inscriptions"], FAMILLES))
            vider_les_courriels()
            inscrits.append(compte["inscriptions"])
            exact.append(compte["confirmees"] == capacite)
            courriels.append(vidage is not None and compte["un_message_chacun"])
            vidages.append(vidage)
            log(
                f"atelier {pk}: {compte['confirmees']} confirmées, {compte['attente']} en liste d'attente ; "
                f"{compte['messages']} messages pour {compte['inscriptions']} inscriptions "
                f"({compte['destinataires_distincts']} destinataires distincts, sujets {compte['sujets']}, "
                f"tâches {compte['taches']}) ; file vide "
                + (f"{vidage:.1f} s après la charge" if vidage is not None else "JAMAIS")
            )
    errors = sum(r[2] for r in runs) + sum(r[2] for r in floor) + sum(r[2] for r in une_ligne)
    ratio = statistics.median(r[0] for r in runs) / statistics.median(r[0] for r in floor)
    vidage_max = max((v for v in vidages if v is not None), default=float("nan"))
    ok = ratio >= 0.5 and errors == 0 and all(exact) and all(courriels)
    record(
        "inscriptions à un atelier, POST/s (20 connexions, un atelier, `db_worker` à côté)",
        [r[0] for r in runs],
        "",
        "même POST, rien d'enregistré",
        [r[0] for r in floor],
        ratio,
        bar=f"≥ 0.5 × ; p99 max {max(r[1] for r in runs):.0f} ms ; {errors} erreurs ; exactement {capacite} "
        f"confirmées à chaque mesure : {'oui' if all(exact) else 'NON'} ; un message par inscription, envoyé "
        f"par le worker, chaque destinataire une fois : {'oui' if all(courriels) else 'NON'} (file vide "
        f"{vidage_max:.1f} s au plus après la charge) " + mark(ok),
    )
    record(
        "inscriptions à un atelier, POST/s, à côté d'un second plancher",
        [r[0] for r in runs],
        "",
        "même POST, une ligne insérée et validée (COMMIT)",
        [r[0] for r in une_ligne],
        statistics.median(r[0] for r in runs) / statistics.median(r[0] for r in une_ligne),
        bar="rapporté : ce que l'inscription ajoute à l'écriture durable d'une ligne (verrou de l'atelier, "
        "doublons, historique, message en file)",
    )
    detail = " ; ".join(
        f"{famille} {statistics.median(1000 * c[famille] / n for c, n in zip(cpu_runs, inscrits, strict=True)):.2f}"
        for famille in FAMILLES
    )
    record(
        "temps CPU par inscription (gunicorn, PostgreSQL, worker, Redis)",
        cpu_runs_ms,
        " ms",
        "même POST, rien d'enregistré",
        cpu_floor_ms,
        statistics.median(cpu_runs_ms) / statistics.median(cpu_floor_ms),
        bar=f"rapporté (ratio : × le plancher) ; médianes en ms : {detail}",
        digits=2,
    )


def bench_bilan():
    floor = [
        timed("psql", DATABASE_URL, "-q", "-v", f"y={ANNEE_BILAN}", "-f", "bench/bilan_floor.sql") for _ in range(RUNS)
    ]
    floor_ms = [t * 1000 for t in floor]
    page = task("bilan_page", ANNEE_BILAN, RUNS)
    export = task("export_bilan", ANNEE_BILAN, RUNS)
    for what, values, queries in [
        (f"`/bilan/{ANNEE_BILAN}/`, temps serveur", page["ms"], page["queries"]),
        (f"`export_bilan --year {ANNEE_BILAN}` (xlsx)", export["ms"], None),
    ]:
        ratio = statistics.median(values) / statistics.median(floor_ms)
        record(
            what,
            values,
            " ms",
            "mêmes agrégats en SQL écrit à la main, un appel psql",
            floor_ms,
            ratio,
            bar="≤ 2 × " + (f"({queries} requêtes) " if queries else "") + mark(ratio <= 2),
            digits=0,
        )


def bench_exports():
    with tempfile.TemporaryDirectory() as tmp:
        sortie = f"{tmp}/export"
        copy = "COPY (" + task_sql(0) + ") TO STDOUT WITH (FORMAT csv, HEADER)"
        floors = {
            "csv": [
                timed("sh", "-c", f'psql "{DATABASE_URL}" -q -c "$COPY" > {sortie}', env={**ENV, "COPY": copy})
                for _ in range(RUNS)
            ],
            "xlsx": [task("floor_xlsx", 0, sortie)["s"] for _ in range(RUNS)],
        }
        bars = {"csv": 3, "xlsx": 1.3}
        for fmt, bar in bars.items():
            runs = [task("export", fmt, 0, sortie) for _ in range(RUNS)]
            small = [task("export", fmt, SMALL, sortie) for _ in range(RUNS)]
            times = [r["s"] for r in runs]
            ratio = statistics.median(times) / statistics.median(floors[fmt])
            record(
                f"export brut {fmt} de {PEOPLE} porteurs (chemin de l'admin)",
                times,
                " s",
                "COPY … TO STDOUT CSV (psql)" if fmt == "csv" else "xlsxwriter constant_memory, mêmes lignes",
                floors[fmt],
                ratio,
                bar=f"≤ {bar} × " + mark(ratio <= bar),
                digits=2,
            )
            gros = max(r["rss_mb"] for r in runs)
            petit = max(r["rss_mb"] for r in small)
            croissance = gros / petit
            record(
                f"mémoire de pointe de l'export {fmt} : {SMALL} puis {PEOPLE} porteurs",
                [r["rss_mb"] for r in runs],
                " Mo",
                f"{SMALL} porteurs",
                [r["rss_mb"] for r in small],
                croissance,
                bar="≤ 1,2 × et < 150 Mo " + mark(croissance <= 1.2 and gros < 150),
            )


def task_sql(limit):
    return sh(PY, "bench/tasks.py", "export_sql", str(limit), capture=True).stdout.strip()


def bench_admin():
    result = task("admin_list", max(RUNS, 5))
    for cle, libelle in [
        ("liste", "liste des porteurs de l'admin, page 1"),
        ("page", "liste des porteurs de l'admin, page 1000"),
        ("filtre", "liste filtrée (étape et hors QPV)"),
        ("recherche", "liste avec une recherche (« martin »)"),
    ]:
        r = result[cle]
        ok = r["queries"] <= 10 and statistics.median(r["ms"]) < 300 and r["full_counts"] == 0
        record(
            f"{libelle}, temps serveur",
            r["ms"],
            " ms",
            bar=f"{r['queries']} requêtes (≤ 10), {r['full_counts']} COUNT(*) de toute la table, < 300 ms " + mark(ok),
            digits=0,
        )


def bench_import():
    with tempfile.TemporaryDirectory() as tmp:
        fichier = f"{tmp}/import.xlsx"
        task("import_file", 10_000, fichier)
        r = task("import", fichier)
    record(
        f"import d'un classeur de {r['rows']} lignes (confirmé, {r['created']} créées)",
        [r["s"]],
        " s",
        bar=f"mémoire de pointe {r['rss_mb']:.0f} Mo (rapporté)",
    )


def write_readme():
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text() if readme.exists() else "# Benchmarks\n\n<!-- results -->\n<!-- /results -->\n"
    machine = f"{platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}"
    with contextlib.suppress(Exception):
        pg = sh("psql", f"{PG}/postgres", "-tAc", "SHOW server_version", capture=True).stdout.strip()
        machine += f", PostgreSQL {pg}"
    lines = [
        "<!-- results -->",
        f"Dernière exécution : {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {machine}, "
        f"{PEOPLE} porteurs, {RUNS} mesures de {DURATION} s par figure (min / **médiane** / max)"
        + (
            f" ; charge de la machine (moyenne 1 min) pendant les mesures : {min(charges):.1f} à {max(charges):.1f}."
            if charges
            else "."
        ),
        "",
        "| mesure | valeur | plancher (même exécution) | ratio | seuil |",
        "|---|---|---|---|---|",
        *[f"| {r['what']} | {r['value']} | {r['floor']} | {r['ratio']} | {r['bar']} |" for r in results],
        "<!-- /results -->",
    ]
    text = re.sub(r"<!-- results -->.*<!-- /results -->", "\n".join(lines), text, flags=re.S)
    readme.write_text(text)
    log(f"résultats écrits dans {readme.relative_to(ROOT)}")


PHASES = {
    "pages": bench_pages,
    "inscriptions": bench_inscriptions,
    "bilan": bench_bilan,
    "exports": bench_exports,
    "admin": bench_admin,
    # Last: it adds 10 000 people to the database the other figures read.
    "import": bench_import,
}


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk est introuvable : apt-get install wrk (make bench l'installe).")
    wanted = os.environ.get("BENCH_ONLY", "").split(",") if os.environ.get("BENCH_ONLY") else list(PHASES)
    try:
        vider_redis()  # before anything is generated: Redis must answer
    except Exception as exc:
        shutil.rmtree(MAIL_DIR, ignore_errors=True)
        sys.exit(
            f"Redis ne répond pas sur {REDIS_URL} ({exc}) : le cache partagé de la mesure (BENCH_REDIS, "
            "BENCH_REDIS_DB)."
        )
    try:
        if REUSE:
            manage("collectstatic", "-v0", "--noinput")
        else:
            prepare_database()
        for name in wanted:
            PHASES[name]()
    finally:
        write_readme()
        shutil.rmtree(MAIL_DIR, ignore_errors=True)
        with contextlib.suppress(Exception):
            vider_redis()
        if not REUSE and os.environ.get("BENCH_KEEP_DB") != "1":
            sh("psql", f"{PG}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {DBNAME}", check=False)


if __name__ == "__main__":
    main()
