import os
import shutil
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from citeslab.core.cache import oublier_les_pages_du_processus
from citeslab.roles import AGGLO, CHEF_DE_PROJET
from citeslab.seed import seed_carcassonne


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("demande PostgreSQL (verrous de ligne, vraie concurrence) : DATABASE_URL=postgres://… make test")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On PostgreSQL, a skipped PostgreSQL-only test fails the run: that leg exists to run them.

    Likewise in CI (CI=true), where .ci/run installs Chromium, a skipped browser test fails.
    """
    report = yield
    exige = (item.get_closest_marker("postgres") and connection.vendor == "postgresql") or (
        "chromium" in getattr(item, "fixturenames", ()) and os.environ.get("CI")
    )
    if report.skipped and exige:
        report.outcome = "failed"
        report.longrepr = f"ce test ne doit pas être sauté ici : {report.longrepr}"
    return report


@pytest.fixture(autouse=True)
def _empty_cache():
    """Public pages and rate limits live in the cache: no test sees another's."""
    cache.clear()
    oublier_les_pages_du_processus()
    yield
    cache.clear()
    oublier_les_pages_du_processus()


@pytest.fixture
def executer_taches(db, monkeypatch):
    """Run what the task queue holds, as the worker (`manage.py db_worker`) does, then return.

    The worker closes connections it finds outside autocommit; inside a test's transaction that is every one.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def executer():
        call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0)

    return executer


@pytest.fixture
def seeded(db):
    """The press kit's reference data, as `make run` loads it."""
    seed_carcassonne()


def _staff(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(
        username=username, password="mot-de-passe-de-test-long", is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def chef(db, django_user_model):
    return _staff(django_user_model, "chef", CHEF_DE_PROJET)


@pytest.fixture
def agglo(db, django_user_model):
    return _staff(django_user_model, "agglo", AGGLO)


@pytest.fixture
def administrateur(db, django_user_model):
    return _staff(django_user_model, "administrateur", is_superuser=True)


@pytest.fixture
def chef_client(client, chef):
    client.force_login(chef)
    return client


@pytest.fixture
def agglo_client(client, agglo):
    client.force_login(agglo)
    return client


@pytest.fixture
def admin_client_(client, administrateur):
    client.force_login(administrateur)
    return client


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """One Debian Chromium for the whole run, shared by every browser test (Playwright allows one sync loop)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium introuvable ({CHROMIUM}) : .ci/run l'installe avec apt-get")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make are still
    # synchronous and sequential, so Django's async-safety guard has nothing to protect here. Set for the
    # browser tests only, and taken back after them.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def attendre_fin_des_requetes():
    """Wait for the live server's request threads to end once the browser has hung up.

    Each keep-alive thread holds its own database connection until its socket closes; on PostgreSQL a
    connection still open at the end of the run stops the test database from being dropped.
    """
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=10)
