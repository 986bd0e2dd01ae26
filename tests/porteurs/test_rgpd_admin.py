"""The data-protection tools of the porteurs admin: subject access, erasure, who will be purged soon."""

import datetime
import json
import logging

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from porteurs.models import Porteur, Suivi
from tests.ateliers.factories import InscriptionFactory
from tests.porteurs.factories import ChangementEtapeFactory, OrientationFactory, PorteurFactory, SuiviFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:porteurs_porteur_changelist")
TODAY = timezone.localdate()
NOTE = "Note d'entretien confidentielle : dettes, santé"


def _personne(**kwargs):
    porteur = PorteurFactory(nom="Martinez", prenom="Inès", email="ines.martinez@example.org", **kwargs)
    SuiviFactory(porteur=porteur, notes=NOTE, prochaine_etape="Rappeler pour le microcrédit")
    OrientationFactory(porteur=porteur, objet="Demande de microcrédit")
    ChangementEtapeFactory(porteur=porteur, commentaire="Dossier déposé")
    InscriptionFactory(porteur=porteur, prenom="Inès", nom="Martinez")
    return porteur


def _action(client, action, porteurs, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in porteurs], **extra})


def _export(client, porteurs):
    response = _action(client, "exporter_donnees_personnelles", porteurs)
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_subject_access_export_holds_everything_about_the_person(chef_client):
    porteur = _personne()
    porteur.telephone = "06 11 22 33 44"
    porteur.save()  # a second history row, with the old phone number in the first

    _, document = _export(chef_client, [porteur])

    (personne,) = document["personnes"]
    assert personne["identite_et_situation"]["nom"] == "Martinez"
    assert personne["identite_et_situation"]["email"] == "ines.martinez@example.org"
    assert personne["identite_et_situation"]["quartier"] == porteur.quartier.nom
    assert personne["suivis"][0]["notes"] == NOTE
    assert personne["suivis"][0]["prochaine_etape"] == "Rappeler pour le microcrédit"
    assert personne["orientations"][0]["objet"] == "Demande de microcrédit"
    assert personne["etapes"][0]["commentaire"] == "Dossier déposé"
    assert personne["inscriptions_aux_ateliers"][0]["atelier"].startswith("Atelier Émergence")
    historique = personne["historique_des_modifications"]
    assert [row["type"] for row in historique["porteur"]] == ["création", "modification"]
    assert historique["suivis"][0]["valeurs"]["notes"] == NOTE
    assert historique["orientations"][0]["valeurs"]["objet"] == "Demande de microcrédit"
    assert "responsable_du_traitement" in document


def test_subject_access_export_is_a_download_kept_out_of_caches_with_no_name_in_the_file_name(chef_client):
    response, _ = _export(chef_client, [_personne()])
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="donnees-personnelles-')
    assert "Martinez" not in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_subject_access_export_queries_do_not_grow_with_people_or_rows(chef_client, django_assert_max_num_queries):
    one = [_personne()]
    many = [_personne() for _ in range(4)]
    for porteur in many:
        SuiviFactory.create_batch(3, porteur=porteur)
    with django_assert_max_num_queries(30) as small:
        _export(chef_client, one)
    with django_assert_max_num_queries(len(small.captured_queries)) as big:
        _export(chef_client, many)
    assert len(big.captured_queries) == len(small.captured_queries)


def test_subject_access_export_refuses_a_whole_list(chef_client, caplog):
    people = PorteurFactory.create_batch(11)
    with caplog.at_level(logging.INFO, logger="citeslab.audit"):
        response = _action(chef_client, "exporter_donnees_personnelles", people)
    assert response.status_code == 302
    assert "Content-Disposition" not in response
    assert not [r for r in caplog.records if r.name == "citeslab.audit" and "export" in r.getMessage()]


def test_subject_access_export_is_logged_without_personal_data(chef_client, caplog):
    porteur = _personne()
    with caplog.at_level(logging.INFO, logger="citeslab.audit"):
        _export(chef_client, [porteur])
    (line,) = [r.getMessage() for r in caplog.records if r.name == "citeslab.audit"]
    assert "export : compte=chef" in line
    assert "quoi=droit d'accès format=json lignes=1" in line
    for secret in ["Martinez", "Inès", "ines.martinez", "dettes"]:
        assert secret not in line


def test_erasure_asks_for_confirmation_first_and_changes_nothing_until_then(chef_client):
    porteur = _personne()
    response = _action(chef_client, "anonymiser_maintenant", [porteur])
    assert response.status_code == 200
    assert "Oui, anonymiser définitivement" in response.content.decode()
    porteur.refresh_from_db()
    assert porteur.nom == "Martinez" and porteur.anonymise_le is None


def test_erasure_once_confirmed_anonymises_the_person_everywhere_and_logs_it(chef_client, caplog):
    porteur = _personne()
    other = _personne()
    with caplog.at_level(logging.INFO, logger="citeslab.audit"):
        response = _action(chef_client, "anonymiser_maintenant", [porteur], confirmer="oui")
    assert response.status_code == 302
    porteur.refresh_from_db()
    assert (porteur.nom, porteur.email, porteur.anonymise_le is not None) == ("", "", True)
    assert Suivi.objects.get(porteur=porteur).notes == ""
    assert not Porteur.history.filter(id=porteur.pk, nom="Martinez").exists()
    assert not Suivi.history.filter(porteur_id=porteur.pk).exclude(notes="").exists()
    other.refresh_from_db()
    assert other.nom == "Martinez"
    (line,) = [r.getMessage() for r in caplog.records if r.name == "citeslab.audit"]
    assert line.endswith(f"porteurs={porteur.pk}")
    assert "Martinez" not in line


def test_a_user_who_may_only_view_people_gets_neither_action(client, django_user_model):
    user = django_user_model.objects.create_user("lecteur", password="mot-de-passe-de-test-long", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_porteur"))
    client.force_login(user)
    porteur = _personne()
    html = client.get(CHANGELIST).content.decode()
    assert "anonymiser_maintenant" not in html and "exporter_donnees_personnelles" not in html
    response = _action(client, "anonymiser_maintenant", [porteur], confirmer="oui")
    assert response.status_code in (200, 302)
    porteur.refresh_from_db()
    assert porteur.anonymise_le is None


def _dernier_contact_il_y_a(jours):
    porteur = PorteurFactory(date_premier_contact=TODAY - datetime.timedelta(days=jours))
    return porteur


def test_the_list_filter_shows_who_will_be_anonymised_within_thirty_days(chef_client, settings):
    settings.RGPD_DUREE_CONSERVATION_JOURS = 730
    bientot = _dernier_contact_il_y_a(720)
    _dernier_contact_il_y_a(100)  # recent
    _dernier_contact_il_y_a(800)  # already due: the next purge takes them
    response = chef_client.get(CHANGELIST + "?anonymisation=30_jours")
    assert list(response.context["cl"].queryset) == [bientot]
    assert "Anonymisation dans les 30 jours" in response.content.decode()


def test_the_admin_index_counts_them_and_links_to_the_filtered_list(chef_client, settings):
    settings.RGPD_DUREE_CONSERVATION_JOURS = 730
    _dernier_contact_il_y_a(720)
    _dernier_contact_il_y_a(725)
    html = chef_client.get(reverse("admin:index")).content.decode()
    assert "Bientôt anonymisés" in html
    assert "2 personnes sans contact récent seront anonymisées dans les 30 jours" in html
    assert 'href="/admin/porteurs/porteur/?anonymisation=30_jours"' in html


def test_the_agglo_does_not_see_the_block(agglo_client):
    _dernier_contact_il_y_a(720)
    assert "Bientôt anonymisés" not in agglo_client.get(reverse("admin:index")).content.decode()
