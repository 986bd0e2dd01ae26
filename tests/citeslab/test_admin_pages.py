"""Every admin page, for every model registered in the project.

The changelist test walks admin.site._registry: a model registered later without a factory here fails
with a message saying which one to add, so no admin list escapes the "no query per row" rule.
"""

import itertools

import factory
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factory.django import DjangoModelFactory

from permanences.models import Bureau
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.financement.factories import ContributionFactory, ConventionFactory, FinanceurFactory, VersementFactory
from tests.permanences.factories import FermetureFactory, LieuFactory, PermanenceFactory, QuartierFactory
from tests.porteurs.factories import (
    ChangementEtapeFactory,
    OrientationFactory,
    PartenaireFactory,
    PorteurFactory,
    SuiviFactory,
)
from tests.rendezvous.factories import RendezVousFactory

pytestmark = pytest.mark.django_db


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    email = factory.Sequence(lambda n: f"utilisateur{n}@example.org")


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Groupe {n}")


class BureauFactory(DjangoModelFactory):
    class Meta:
        model = Bureau

    lieu = factory.SubFactory(LieuFactory)
    responsable = factory.Faker("name", locale="fr_FR")
    telephone = "04 68 00 00 00"
    email = factory.Sequence(lambda n: f"bureau{n}@example.org")


_COUNTER = itertools.count()


def _axes_rows(model, n):
    from django.utils import timezone

    extra = {"failures_since_start": 1} if model.__name__ == "AccessAttempt" else {}
    if model.__name__ == "AccessFailureLog":
        extra = {"locked_out": False}
    model.objects.bulk_create(
        model(
            username=f"compte{next(_COUNTER)}",
            ip_address=f"10.0.0.{i % 250}",
            user_agent="test",
            path_info="/admin/login/",
            attempt_time=timezone.now(),
            **extra,
        )
        for i in range(n)
    )


def _totp_devices(n):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for user in UserFactory.create_batch(n):
        TOTPDevice.objects.create(user=user, name="téléphone")


def _atelier_with_registrations(n):
    for atelier in AtelierFactory.create_batch(n):
        InscriptionFactory.create_batch(2, atelier=atelier)


# Each factory fills the foreign keys shown in list_display with a distinct row, so a missing
# select_related shows up as one more query per row.
def _taches(n):
    from ateliers import taches

    return [
        taches.envoyer_message.enqueue(inscription.pk, "confirmation")
        for inscription in InscriptionFactory.create_batch(n)
    ]


def _codes_de_secours(n):
    from django_otp.plugins.otp_static.models import StaticDevice

    return [StaticDevice.objects.create(user=UserFactory(), name="Codes de secours") for _ in range(n)]


ROWS = {
    "otp_static.staticdevice": _codes_de_secours,
    "django_tasks_database.dbtaskresult": _taches,
    "axes.accessattempt": lambda n: _axes_rows(AccessAttempt, n),
    "axes.accesslog": lambda n: _axes_rows(AccessLog, n),
    "axes.accessfailurelog": lambda n: _axes_rows(AccessFailureLog, n),
    "otp_totp.totpdevice": _totp_devices,
    "auth.group": lambda n: GroupFactory.create_batch(n),
    "auth.user": lambda n: UserFactory.create_batch(n),
    "permanences.quartier": lambda n: QuartierFactory.create_batch(n),
    "permanences.lieu": lambda n: LieuFactory.create_batch(n),
    "permanences.permanence": lambda n: PermanenceFactory.create_batch(n),
    "permanences.fermeture": lambda n: FermetureFactory.create_batch(
        n, permanence=factory.SubFactory(PermanenceFactory)
    ),
    "permanences.bureau": lambda n: BureauFactory.create_batch(n),
    "porteurs.porteur": lambda n: PorteurFactory.create_batch(n),
    "porteurs.suivi": lambda n: SuiviFactory.create_batch(
        n, lieu=factory.SubFactory(LieuFactory), auteur=factory.SubFactory(UserFactory)
    ),
    "porteurs.changementetape": lambda n: ChangementEtapeFactory.create_batch(
        n, auteur=factory.SubFactory(UserFactory)
    ),
    "porteurs.orientation": lambda n: OrientationFactory.create_batch(n),
    "porteurs.partenaire": lambda n: PartenaireFactory.create_batch(n),
    "ateliers.atelier": _atelier_with_registrations,
    "ateliers.inscription": lambda n: InscriptionFactory.create_batch(n),
    "financement.financeur": lambda n: FinanceurFactory.create_batch(n),
    "financement.convention": lambda n: [ContributionFactory(convention=c) for c in ConventionFactory.create_batch(n)],
    "financement.contribution": lambda n: ContributionFactory.create_batch(n),
    "financement.versement": lambda n: VersementFactory.create_batch(n),
    "rendezvous.rendezvous": lambda n: RendezVousFactory.create_batch(n),
}

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label_lower)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label_lower)
def test_changelist_queries_do_not_grow_with_rows(admin_client_, model):
    label = model._meta.label_lower
    assert label in ROWS, f"{label} is registered in the admin: add a factory for it to ROWS in {__file__}"
    url = _url(model, "changelist")
    ROWS[label](5)
    with_5 = _queries(admin_client_, url)
    ROWS[label](45)
    with_50 = _queries(admin_client_, url)
    assert with_50 == with_5, f"{label}: {with_5} queries for 5 rows, {with_50} for 50"


CHEF_MODELS = {
    "porteurs.porteur",
    "porteurs.suivi",
    "porteurs.changementetape",
    "porteurs.orientation",
    "porteurs.partenaire",
    "ateliers.atelier",
    "ateliers.inscription",
    "permanences.permanence",
    "permanences.fermeture",
    "permanences.lieu",
    "permanences.quartier",
    "permanences.bureau",
    "rendezvous.rendezvous",
}


def test_the_chef_de_projet_sees_exactly_his_models(chef):
    visible = {
        m._meta.label_lower for m in REGISTERED if chef.has_perm(f"{m._meta.app_label}.view_{m._meta.model_name}")
    }
    assert visible == CHEF_MODELS


@pytest.mark.parametrize("label", sorted(CHEF_MODELS))
def test_every_admin_page_of_the_chef_de_projet_answers_200(chef_client, chef, label):
    model = next(m for m in REGISTERED if m._meta.label_lower == label)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = chef
    ROWS[label](2)
    obj = model.objects.first()
    assert chef_client.get(_url(model, "changelist")).status_code == 200
    assert chef_client.get(_url(model, "change", obj.pk)).status_code == 200
    if model_admin.has_add_permission(request):
        assert chef_client.get(_url(model, "add")).status_code == 200
    assert chef_client.get(reverse("admin:index")).status_code == 200


def test_chef_de_projet_admin_index_lists_his_apps(chef_client):
    html = chef_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:porteurs_porteur_changelist") in html
    assert reverse("admin:ateliers_atelier_changelist") in html
