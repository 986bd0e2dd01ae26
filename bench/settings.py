"""The production settings, plus the benchmark's floor views (bench/urls.py). Nothing else changes."""

from citeslab.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# The load generator comes from one address: a per-address limit would measure the limiter, not the app.
# django-ratelimit reads this at each request (ateliers.views.AtelierDetailView.post).
RATELIMIT_ENABLE = False
