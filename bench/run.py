"""`make bench`: measure the portal beside its floors, in the same run, and rewrite bench/README.md.

Quick pass by default (BENCH_PEOPLE=2000, 5 s of load, 3 runs); `BENCH_PEOPLE=100000 make bench` for the
scale of the national network. It creates a scratch PostgreSQL database, starts gunicorn and wrk itself,
and stops everything it started, whatever happens.
"""

import contextlib
import datetime
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
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
}

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
def gunicorn(app):
    port = free_port()
    proc = subprocess.Popen(
        [PY, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", *GUNICORN_ARGS],
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn {app} did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


WRK_LATENCY = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


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
        bar="< 300 s at 100 000" + (" ✔" if times[0] < 300 else " ✘") if FULL else "(quick pass)",
    )


def bench_pages():
    floors = {}
    with gunicorn("bench.hello_wsgi:application") as base:
        floors["wsgi"] = [wrk(base + "/") for _ in range(RUNS)]
    with gunicorn("citeslab.wsgi:application") as base:
        floors["django"] = [wrk(base + "/bench/trivial/") for _ in range(RUNS)]
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
        ok = ratio >= 0.8 and max(p99) < 100 and errors == 0
        record(
            f"`{path}` req/s (20 connexions)",
            rps,
            "",
            "vue Django triviale",
            [r[0] for r in floors["django"]],
            ratio,
            bar=f"≥ 0.8 × Django ; {statistics.median(rps) / wsgi_rps:.2f} × WSGI nu ; "
            f"p99 max {max(p99):.1f} ms ; {errors} erreurs " + ("✔" if ok else "✘"),
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
        f"Dernière exécution : {datetime.datetime.now():%Y-%m-%d %H:%M}, {machine}, "
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


PHASES = {"pages": bench_pages}


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk est introuvable : apt-get install wrk (make bench l'installe).")
    wanted = os.environ.get("BENCH_ONLY", "").split(",") if os.environ.get("BENCH_ONLY") else list(PHASES)
    try:
        prepare_database()
        for name in wanted:
            PHASES[name]()
    finally:
        write_readme()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            sh("psql", f"{PG}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {DBNAME}", check=False)


if __name__ == "__main__":
    main()
