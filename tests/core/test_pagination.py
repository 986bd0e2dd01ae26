import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citeslab.core.admin import EstimatedCountPaginator
from porteurs.models import Porteur
from tests.porteurs.factories import PorteurFactory

pytestmark = pytest.mark.django_db


def test_small_or_filtered_lists_get_the_exact_count():
    PorteurFactory.create_batch(3)
    assert EstimatedCountPaginator(Porteur.objects.all(), 50).count == 3
    assert EstimatedCountPaginator(Porteur.objects.filter(nom="personne"), 50).count == 0


@pytest.mark.postgres
def test_big_unfiltered_list_takes_its_size_from_the_planner_on_postgresql(admin_client_, settings):
    Porteur.objects.bulk_create(
        Porteur(prenom="Prénom", nom=f"Nom {i:05d}", email=f"p{i}@example.org") for i in range(12_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE porteurs_porteur")
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client_.get(reverse("admin:porteurs_porteur_changelist"))
    assert response.status_code == 200
    counts = [q["sql"] for q in ctx if "COUNT(" in q["sql"].upper() and "porteurs_porteur" in q["sql"]]
    assert counts == []
    assert response.context["cl"].result_count == pytest.approx(12_000, rel=0.1)
