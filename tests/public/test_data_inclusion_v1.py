"""/api/data-inclusion.json read as DORA reads it: every structure and service passes the official v1 models.

The models are those of the `data-inclusion-schema` package pinned in pyproject.toml (1.0.10); they ignore
unknown keys, so the tests also check that no key outside v1 is published (a field v1 dropped would be lost).
"""

import pytest
from data_inclusion.schema.v1 import Frais, Service, Structure, Thematique

from permanences.models import Bureau, Lieu

URL = "/api/data-inclusion.json"
STRICT = {"ignore_warnings": False}  # the package's warnings (a name ending with a dot…) count as errors here


@pytest.fixture
def export(client, site):
    return client.get(URL).json()


def test_every_structure_passes_the_official_v1_model(export):
    for structure in export["structures"]:
        Structure.model_validate(structure, context=STRICT)


def test_all_eight_services_pass_the_official_v1_model(export):
    assert len(export["services"]) == 8  # the office's service and one per walk-in place
    for service in export["services"]:
        Service.model_validate(service, context=STRICT)


def test_export_publishes_no_field_outside_v1(export):
    for structure in export["structures"]:
        assert set(structure) <= set(Structure.model_fields), set(structure) - set(Structure.model_fields)
    for service in export["services"]:
        assert set(service) <= set(Service.model_fields), set(service) - set(Service.model_fields)


def test_every_service_has_a_description_long_enough_for_the_directory(export):
    # The schema recommends 200 to 2000 characters.
    for service in export["services"]:
        assert 200 <= len(service["description"]) <= 2000


def test_services_use_the_v1_business_creation_themes(export):
    valeurs_v1 = {t.value for t in Thematique}
    for service in export["services"]:
        assert service["thematiques"]
        assert set(service["thematiques"]) <= valeurs_v1
        assert all(t.startswith("creer-une-entreprise--") for t in service["thematiques"])


def test_fees_are_one_value_free(export):
    assert {service["frais"] for service in export["services"]} == {Frais.GRATUIT.value}


def test_the_appointment_page_is_the_way_to_be_reached(export, settings):
    for service in export["services"]:
        assert service["lien_mobilisation"] == settings.SITE_URL.rstrip("/") + "/rendez-vous/"
        assert service["modes_mobilisation"][0] == "utiliser-lien-mobilisation"
        assert {"se-presenter", "telephoner", "envoyer-un-courriel"} <= set(service["modes_mobilisation"])


def test_each_place_service_carries_its_own_address_not_the_offices(export):
    ozanam = Lieu.objects.get(nom="Espace partagé Ozanam")
    service = next(s for s in export["services"] if s["id"].endswith(f"--permanence-{ozanam.pk}"))
    assert service["complement_adresse"] == "Espace partagé Ozanam"
    assert service["modes_accueil"] == ["en-presentiel"]
    assert service.get("adresse") == (ozanam.adresse or None)


def test_export_without_office_contact_still_passes_v1(client, site):
    Bureau.objects.all().delete()
    data = client.get(URL).json()
    for structure in data["structures"]:
        Structure.model_validate(structure, context=STRICT)
    for service in data["services"]:
        Service.model_validate(service, context=STRICT)


def test_export_on_an_empty_database_passes_v1(client, db, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    data = client.get(URL).json()
    assert [Structure.model_validate(s, context=STRICT).nom for s in data["structures"]] == ["CitésLab Carcassonne"]
    for service in data["services"]:
        Service.model_validate(service, context=STRICT)
