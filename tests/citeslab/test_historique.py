"""The audit trail: who changed what and when, visible in the admin, never in a log line."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from ateliers.models import Atelier, Inscription
from financement.models import Contribution, Versement
from porteurs.models import Orientation, Porteur, Suivi
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.financement.factories import ContributionFactory, VersementFactory
from tests.porteurs.factories import OrientationFactory, PorteurFactory, SuiviFactory

pytestmark = pytest.mark.django_db

# Each tracked model, a factory, and one field to change with its new value.
TRACKED = {
    Porteur: (PorteurFactory, "telephone", "06 99 88 77 66"),
    Suivi: (SuiviFactory, "prochaine_etape", "Rappeler la CCI"),
    Orientation: (OrientationFactory, "objet", "Demande de prêt d'honneur"),
    Atelier: (AtelierFactory, "titre", "Entreprendre au féminin"),
    Inscription: (InscriptionFactory, "telephone", "06 99 88 77 66"),
    Contribution: (ContributionFactory, "montant", Decimal("12345.00")),
    Versement: (VersementFactory, "reference", "VIR-2026-042"),
}


def _history_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


@pytest.mark.parametrize("model", TRACKED, ids=lambda m: m._meta.label_lower)
def test_each_change_is_kept_with_who_and_what_and_shown_in_the_admin(admin_client_, administrateur, model):
    factory, field, value = TRACKED[model]
    obj = factory()
    obj._history_user = administrateur  # what HistoryRequestMiddleware does for a change made in the admin
    setattr(obj, field, value)
    obj.save()

    latest = obj.history.latest("history_date")
    assert latest.history_user == administrateur
    assert latest.diff_against(latest.prev_record).changed_fields == [field]
    html = admin_client_.get(_history_url(obj)).content.decode()
    assert "administrateur" in html
    assert f"{capfirst(model._meta.get_field(field).verbose_name)} :" in html
    assert "Historique des modifications" in html and "Modification" in html


def test_a_change_made_through_the_admin_records_the_logged_in_user(admin_client_, administrateur):
    versement = VersementFactory(reference="VIR-1")
    url = reverse("admin:financement_versement_change", args=[versement.pk])
    response = admin_client_.post(
        url,
        {
            "contribution": versement.contribution_id,
            "date": versement.date.strftime("%d/%m/%Y"),
            "montant": str(versement.montant).replace(".", ","),
            "reference": "VIR-2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = versement.history.latest("history_date")
    assert (latest.reference, latest.history_user) == ("VIR-2", administrateur)


def test_history_page_queries_do_not_grow_with_versions(chef_client, chef, django_assert_max_num_queries):
    porteur = PorteurFactory()
    url = _history_url(porteur)
    with django_assert_max_num_queries(40) as few:
        assert chef_client.get(url).status_code == 200
    for i in range(10):
        porteur._history_user = chef
        porteur.telephone = f"06 99 88 77 {i:02d}"
        porteur.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert chef_client.get(url).status_code == 200


def test_an_old_version_is_shown_read_only_and_cannot_be_restored(chef_client):
    porteur = PorteurFactory(nom="Avant")
    porteur.nom = "Après"
    porteur.save()
    first = porteur.history.earliest("history_date")
    url = reverse("admin:porteurs_porteur_simple_history", args=[porteur.pk, first.history_id])
    assert chef_client.get(url).status_code == 200
    chef_client.post(url, {"nom": "Avant", "prenom": porteur.prenom, "_change_history": "1"})
    porteur.refresh_from_db()
    assert porteur.nom == "Après"


def test_the_agglo_sees_no_history_of_people(agglo_client):
    suivi = SuiviFactory()
    assert agglo_client.get(_history_url(suivi.porteur)).status_code == 403
    assert agglo_client.get(_history_url(suivi)).status_code == 403


def test_editing_a_follow_up_never_puts_its_notes_in_a_log_line(chef_client, chef, caplog):
    suivi = SuiviFactory(notes="Ancienne note")
    url = reverse("admin:porteurs_suivi_change", args=[suivi.pk])
    with caplog.at_level(logging.DEBUG):
        response = chef_client.post(
            url,
            {
                "porteur": suivi.porteur_id,
                "date": datetime.date(2026, 11, 2).strftime("%d/%m/%Y"),
                "type": Suivi.Type.ENTRETIEN,
                "duree_minutes": "45",
                "notes": "Confidentiel : situation de surendettement",
                "prochaine_etape": "",
            },
        )
        chef_client.get(_history_url(suivi))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert suivi.history.latest("history_date").notes == "Confidentiel : situation de surendettement"
    for record in caplog.records:
        assert "surendettement" not in record.getMessage() and "Ancienne note" not in record.getMessage()
