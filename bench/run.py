"""`make bench`: measure the portal beside its floors, in the same run, and rewrite bench/README.md.

Quick pass by default (BENCH_PEOPLE=2000, 5 s of load, 3 runs); `BENCH_PEOPLE=100000 make bench` for the
scale of the national network. It creates a scratch PostgreSQL database, starts gunicorn and wrk itself,
and stops everything it started, whatever happens.
"""

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
GUNICORN_ARGS = ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--log-level", "warning"]

ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_REQUIRE_2FA": "0",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "PYTHONPATH": str(ROOT),
    # As production runs it: hashed static files collected beforehand, a cache shared by the workers.
    "DJANGO_STATIC_MANIFEST": "1",
    "DJANGO_CACHE_DIR": tempfile.mkdtemp(prefix="citeslab-bench-cache-"),
    # Registration e-mails are built (the cost stays in the figure) but go nowhere, and never to a log.
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
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
    log(f"{what}: {row['value']} (floor {row['floor']}, ratio {row['ratio']}) {bar}")
    return row


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


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
    return rps, p99, errors


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
    floors = {}
    with gunicorn("bench.hello_wsgi:application", ready="/") as base:
        floors["wsgi"] = [wrk(base + "/") for _ in range(RUNS)]
    with gunicorn("citeslab.wsgi:application") as base:
        floors["django"] = [wrk(base + "/bench/trivial/") for _ in range(RUNS)]
        for path in ["/", "/permanences/"]:
            with urllib.request.urlopen(base + path) as response:
                assert response.status == 200, path
        pages = {path: [wrk(base + path) for _ in range(RUNS)] for path in ["/", "/permanences/"]}
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
    for path, runs in pages.items():
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
    return rps, float(value) * UNIT[unit], errors


def bench_inscriptions():
    """Registrations to one workshop, 20 connections at once: the seats are the contended row."""
    capacite = 12
    floor, runs, exact = [], [], []
    with gunicorn("citeslab.wsgi:application") as base:
        for _ in range(RUNS):
            pk = task("atelier", capacite)["pk"]
            cookie, token = csrf(base, f"/ateliers/{pk}/")
            floor.append(wrk_post(base + "/bench/inscription/", cookie, token))
            runs.append(wrk_post(base + f"/ateliers/{pk}/", cookie, token))
            compte = task("atelier_compte", pk)
            exact.append(compte["confirmees"] == capacite)
            log(f"atelier {pk}: {compte['confirmees']} confirmées, {compte['attente']} en liste d'attente")
    errors = sum(r[2] for r in runs) + sum(r[2] for r in floor)
    ratio = statistics.median(r[0] for r in runs) / statistics.median(r[0] for r in floor)
    record(
        "inscriptions à un atelier, POST/s (20 connexions, un atelier)",
        [r[0] for r in runs],
        "",
        "même POST, rien d'enregistré",
        [r[0] for r in floor],
        ratio,
        bar=f"p99 max {max(r[1] for r in runs):.0f} ms ; {errors} erreurs ; exactement {capacite} confirmées "
        f"à chaque mesure : {'oui' if all(exact) else 'NON'} " + mark(errors == 0 and all(exact)),
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
        f"{PEOPLE} porteurs, {RUNS} mesures de {DURATION} s par figure (min / **médiane** / max).",
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
        if REUSE:
            manage("collectstatic", "-v0", "--noinput")
        else:
            prepare_database()
        for name in wanted:
            PHASES[name]()
    finally:
        write_readme()
        shutil.rmtree(ENV["DJANGO_CACHE_DIR"], ignore_errors=True)
        if not REUSE and os.environ.get("BENCH_KEEP_DB") != "1":
            sh("psql", f"{PG}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {DBNAME}", check=False)


if __name__ == "__main__":
    main()
