"""Settings of the CitésLab Carcassonne portal.

Everything that differs between machines comes from the environment; the defaults run the portal on a
developer's machine with an SQLite file and nothing else to install.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A production that forgot its key must not start with a guessable one.
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY n'est pas défini : le portail refuse de démarrer sans clé secrète "
            "quand DJANGO_DEBUG est désactivé. Définissez DJANGO_SECRET_KEY (ou DJANGO_DEBUG=1 en développement)."
        )
    SECRET_KEY = "django-insecure-dev-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The kernel first: its admin templates (natural French, citeslab/core/templates/admin/) override Django's,
    # widgets included, which the form renderer only looks up in the apps.
    "citeslab.core",
    # django.contrib.admin, whose site writes natural French ("Ajouter un atelier"): citeslab.core.admin.
    "citeslab.core.apps.AdminFrancaisConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "simple_history",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "django_tasks",
    "citeslab.core.taches.TachesConfig",
    # For its French messages: the password validator below comes from this app.
    "django_zxcvbn_password_validator",
    "citeslab",
    "permanences",
    "porteurs",
    "ateliers",
    "rendezvous",
    "financement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "citeslab.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body: it needs to know whether the user is staff (larger admin imports).
    "citeslab.middleware.RequestBodyLimitMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "citeslab.middleware.Require2FAMiddleware",
    "citeslab.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the login form into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "citeslab.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "permanences.context_processors.coordonnees",
            ],
        },
    },
]

WSGI_APPLICATION = "citeslab.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two registrations on SQLite
        # serialise instead of failing with "database is locked" halfway through.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A row lock that does not come within 5 s (a stuck transaction) is an error the code turns into a French
    # "réessayez", rather than a worker waiting for ever. SQLite's busy timeout above plays the same part.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c lock_timeout=5s"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Length and how guessable the password is, no composition rules (ANSSI and NIST guidance): common French
# passwords, AZERTY and QWERTY walks, the town's and the quartiers' names (citeslab.core.validators), and zxcvbn.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "citeslab.core.validators.FrenchPasswordValidator",
        "OPTIONS": {
            "site_words": ["CitésLab", "Carcassonne", "Ozanam", "Grazailles", "Viguier", "Bastide", "Fleming"],
        },
    },
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
PASSWORD_MINIMAL_STRENGTH = 3
PASSWORD_EXTRA_DICTIONARY = ["CitésLab", "Carcassonne"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
# French for the libraries that ship none (the task queue's field names): locale/fr/LC_MESSAGES/django.po.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Production serves hashed, compressed files collected by `collectstatic`; development and tests serve
# them straight from static/ (DJANGO_STATIC_MANIFEST=0), so nothing has to be collected first.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

LOGIN_URL = "admin:login"
LOGOUT_REDIRECT_URL = "accueil"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The console backend prints recipients, first names and cancellation links: development only. In production
# the default is SMTP (DJANGO_EMAIL_HOST…), and `check --deploy` refuses a backend that would log messages.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
# Text messages (citeslab.core.sms): printed in development; in production nothing is sent until a provider is
# configured (DJANGO_SMS_BACKEND=citeslab.core.sms.BrevoBackend and its key), and `check --deploy` refuses the console.
SMS_BACKEND = os.environ.get(
    "DJANGO_SMS_BACKEND", "citeslab.core.sms.ConsoleBackend" if DEBUG else "citeslab.core.sms.InactifBackend"
)
SMS_FILE_PATH = os.environ.get("DJANGO_SMS_FILE_PATH") or None
SMS_BREVO_API_KEY = os.environ.get("DJANGO_SMS_BREVO_API_KEY", "")
# Brevo: 11 letters or digits at most, shown as the sender on the resident's phone.
SMS_EXPEDITEUR = os.environ.get("DJANGO_SMS_EXPEDITEUR", "CitesLab")
# The file backend's folder (benchmarks and the two-server test count the messages the workers wrote).
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH") or None
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "CitésLab Carcassonne <ne-pas-repondre@citeslab-carcassonne.fr>"
)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "citeslab",
    }
}
# Several server processes must share the cache, or a change in the admin would reach only the process that
# saved it (the public pages are cached under a version key, see citeslab/core/cache.py) and each would count
# its own share of a rate limit. Redis serves several hosts and counts exactly; a file cache serves one host.
if os.environ.get("DJANGO_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "citeslab.core.cache_redis.CacheRedis",
        "LOCATION": os.environ["DJANGO_REDIS_URL"],
        "KEY_PREFIX": "citeslab",
    }
elif os.environ.get("DJANGO_CACHE_DIR"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ["DJANGO_CACHE_DIR"],
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # A 403 or a 404 is an ordinary answer, not a traceback in the console; server errors stay logged.
        "django.request": {"level": "ERROR"},
        # runserver already prints "Watching for file changes"; its logger would say it a second time.
        "django.utils.autoreload": {"level": "WARNING"},
        # axes announces itself at every start at INFO; lockouts are warnings and stay visible.
        "axes": {"level": "WARNING"},
    },
}

# The import-export admin writes through transactions; a bad row rolls the whole file back.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# An imported file is read whole: beyond these caps the import page refuses it before reading it
# (citeslab/core/imports.py). Rows are counted under the header; cells are rows × columns, header included.
IMPORT_LIGNES_MAX = 20_000
IMPORT_COLONNES_MAX = 60
IMPORT_CELLULES_MAX = 600_000
# Bytes of content: a csv, or an xlsx once inflated (the upload itself is capped by IMPORT_TAILLE_MAX below).
IMPORT_TAILLE_DECOMPRESSEE_MAX = 20 * 1024 * 1024
# Between the preview and the confirmation the file waits in the cache, not in the temp folder; the
# confirmation removes it, an abandoned preview expires after this.
IMPORT_DUREE_MAX = datetime.timedelta(hours=1)
IMPORT_EXPORT_TMP_STORAGE_CLASS = "citeslab.core.imports.StockageImport"

# --- Security -------------------------------------------------------------------------------------------
# HTTPS is assumed in production (behind a proxy that terminates TLS); DJANGO_HTTPS=0 serves plain HTTP.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto / X-Forwarded-For (and overwrites them).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
# How many proxies append to X-Forwarded-For before the request reaches gunicorn (nginx alone: 1).
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "1"))
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "citeslab.security.csrf_failure"

# Staff sessions end after this much inactivity (each request pushes the deadline), and with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Bodies larger than this are refused before a view sees them (RequestBodyLimitMiddleware, files included);
# staff in the admin may send up to IMPORT_TAILLE_MAX, for spreadsheet imports.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
IMPORT_TAILLE_MAX = 5 * 1024 * 1024

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# django-axes: 5 failures for one username from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/verrouillage.html"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# The same client address as the rate limits and the audit log (behind the proxy: the address the proxy saw).
AXES_CLIENT_IP_CALLABLE = "citeslab.core.client.adresse_client"

# Second factor (TOTP) for every staff account; on by default in production.
REQUIRE_2FA = env_bool("DJANGO_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "CitésLab Carcassonne"

# History rows record who changed what; the interview notes stay in the database, never in a log line.
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
# The "Historique" pages of the admin show who changed what; restoring an old version would bypass the
# services (a stage change without its dated row) and could bring back erased data.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Personal data: people without contact for this long are anonymised by `purge_personal_data` (run daily).
RGPD_DUREE_CONSERVATION_JOURS = int(os.environ.get("DJANGO_RGPD_CONSERVATION_JOURS", str(2 * 365)))

# The admin's export/import views only check is_staff, which Agglo users have: require the model's
# permissions too, so raw data (which names people) stays with the roles allowed to see it.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"

# Messages and other work that is not the answer to a request go through a task queue kept in the database
# (django-tasks, Django 6's Tasks API): `manage.py db_worker` runs them; `make run` starts one beside the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Absolute links in e-mails (cancellation, calendar) are built from this address: no request at cron time.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000")

# Workshop registrations per client address (django-ratelimit). The counters live in the "default" cache:
# in production with several gunicorn workers it must be a shared cache (Redis or Memcached), otherwise each
# worker counts on its own. Behind the proxy (DJANGO_BEHIND_PROXY) the address is the one the proxy saw.
ATELIERS_INSCRIPTIONS_PAR_ADRESSE = os.environ.get("DJANGO_ATELIERS_INSCRIPTIONS_PAR_ADRESSE", "5/m")
# "J'ai un projet" messages per client address, counted the same way.
CONTACT_PAR_ADRESSE = os.environ.get("DJANGO_CONTACT_PAR_ADRESSE", "5/m")
# Appointment bookings (and moves) per client address, counted the same way.
RENDEZVOUS_PAR_ADRESSE = os.environ.get("DJANGO_RENDEZVOUS_PAR_ADRESSE", "5/m")
