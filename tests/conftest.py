import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from citeslab.roles import AGGLO, CHEF_DE_PROJET
from citeslab.seed import seed_carcassonne
from permanences.cache import _pages_du_processus


@pytest.fixture(autouse=True)
def _empty_cache():
    """Public pages and rate limits live in the cache: no test sees another's."""
    cache.clear()
    _pages_du_processus.clear()
    yield
    cache.clear()
    _pages_du_processus.clear()


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
