"""`check --deploy` refuses a production that would share nothing between processes or log residents' e-mails."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "une-vraie-cle-secrete-de-production-" + "k" * 40,
    "DJANGO_ALLOWED_HOSTS": "citeslab.carcassonne-agglo.fr",
    "DJANGO_HTTPS": "1",
    "DJANGO_REQUIRE_2FA": "1",
    "DJANGO_REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _check(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**base, **PRODUCTION, **env},
        capture_output=True,
        text=True,
    )


def test_production_with_redis_and_smtp_passes_the_deploy_check():
    resultat = _check()
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_a_cache_of_its_own_in_each_process_is_refused():
    resultat = _check(DJANGO_REDIS_URL="")
    assert resultat.returncode != 0 and "citeslab.E001" in resultat.stderr


def test_a_single_host_may_share_a_file_cache():
    assert _check(DJANGO_REDIS_URL="", DJANGO_CACHE_DIR="/tmp/citeslab-cache-controle").returncode == 0


def test_e_mails_printed_to_the_log_are_refused_in_production():
    resultat = _check(DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert resultat.returncode != 0 and "citeslab.E002" in resultat.stderr
