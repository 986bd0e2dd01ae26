"""Every download lands in the audit log: who, from where, what, in which format; never whom it names."""

import logging

import pytest
from django.urls import reverse

from porteurs.resources import SuiviResource
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.porteurs.factories import PorteurFactory, SuiviFactory

pytestmark = pytest.mark.django_db


def _audit_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "citeslab.audit"]


def test_downloading_the_bilan_is_logged(agglo_client, caplog):
    with caplog.at_level(logging.INFO, logger="citeslab.audit"):
        response = agglo_client.get(reverse("bilan:telecharger", kwargs={"annee": 2019, "fmt": "csv"}))
    assert response.status_code == 200
    assert _audit_lines(caplog) == ["export : compte=agglo adresse=127.0.0.1 quoi=bilan 2019 format=csv lignes=?"]


def test_a_raw_export_is_logged_with_its_row_count_and_no_name(chef_client, caplog):
    porteur = PorteurFactory(nom="Benali")
    SuiviFactory.create_batch(3, porteur=porteur, notes="Note confidentielle")
    data = {"format": "0", "resource": "0"}
    for name in SuiviResource._meta.fields:
        data[f"suiviresource_{name}"] = "on"
    with caplog.at_level(logging.INFO, logger="citeslab.audit"):
        response = chef_client.post(reverse("admin:porteurs_suivi_export"), data)
        b"".join(response.streaming_content)
    assert response.status_code == 200
    (line,) = _audit_lines(caplog)
    assert line == "export : compte=chef adresse=127.0.0.1 quoi=export porteurs.suivi format=csv lignes=3"


def test_an_attendance_sheet_is_logged(chef_client, caplog):
    atelier = AtelierFactory()
    InscriptionFactory(atelier=atelier, nom="Benali")
    with caplog.at_level(logging.INFO, logger="citeslab.audit"):
        response = chef_client.get(reverse("admin:ateliers_atelier_emargement_xlsx", kwargs={"pk": atelier.pk}))
    assert response.status_code == 200
    assert _audit_lines(caplog) == [
        f"export : compte=chef adresse=127.0.0.1 quoi=émargement atelier {atelier.pk} format=xlsx lignes=?"
    ]


def test_a_refused_download_is_not_logged_as_an_export(agglo_client, caplog):
    atelier = AtelierFactory()
    with caplog.at_level(logging.INFO, logger="citeslab.audit"):
        response = agglo_client.get(reverse("admin:ateliers_atelier_emargement_xlsx", kwargs={"pk": atelier.pk}))
    assert response.status_code == 403
    assert _audit_lines(caplog) == []
