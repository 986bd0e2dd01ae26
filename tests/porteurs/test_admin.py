import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from porteurs.models import ChangementEtape, Etape, Porteur, Suivi
from tests.permanences.factories import QuartierFactory
from tests.porteurs.admin_helpers import form_data
from tests.porteurs.factories import (
    ChangementEtapeFactory,
    OrientationFactory,
    PartenaireFactory,
    PorteurFactory,
    SuiviFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:porteurs_porteur_changelist")
ADD = reverse("admin:porteurs_porteur_add")


def change_url(porteur):
    return reverse("admin:porteurs_porteur_change", args=[porteur.pk])


def _add_form(client, **fields):
    data = form_data(client.get(ADD), "porteur_form")
    data.update({"prenom": "Lina", "nom": "Marchetti", "telephone": "", "email": "", **fields})
    return data


def _post_change(client, porteur, **fields):
    data = form_data(client.get(change_url(porteur)), "porteur_form")
    data.update(fields)
    return client.post(change_url(porteur), data)


# Entering a person


def test_add_page_shows_the_essentials_first_and_folds_the_rest(chef_client):
    response = chef_client.get(ADD)
    assert response.status_code == 200
    (_, first), *rest = response.context["adminform"].fieldsets
    assert first["fields"] == ["prenom", "nom", "telephone", "email", "quartier", "genre", "idee"]
    assert all("collapse" in options["classes"] for _, options in rest)
    assert response.content.decode().count("<details><summary>") == len(rest)


def test_adding_a_person_writes_the_first_history_row_dated_from_the_first_contact(chef_client, chef):
    response = chef_client.post(
        ADD, _add_form(chef_client, telephone="06 12 34 56 78", date_premier_contact="02/03/2024")
    )
    assert response.status_code == 302
    porteur = Porteur.objects.get(nom="Marchetti")
    [row] = ChangementEtape.objects.filter(porteur=porteur)
    assert (row.etape, row.date, row.auteur) == (Etape.EMERGENCE, datetime.date(2024, 3, 2), chef)


def test_phone_typed_any_way_is_saved_in_french_format(chef_client):
    chef_client.post(ADD, _add_form(chef_client, telephone="+33 6.12.34.56.78"))
    assert Porteur.objects.get(nom="Marchetti").telephone == "06 12 34 56 78"


def test_invalid_phone_is_refused_with_a_french_message_next_to_the_field(chef_client):
    response = chef_client.post(ADD, _add_form(chef_client, telephone="06 12"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "n'est pas valide" in errors["telephone"][0]
    assert not Porteur.objects.exists()


def test_a_person_without_phone_nor_email_is_refused(chef_client):
    response = chef_client.post(ADD, _add_form(chef_client))
    errors = response.context["adminform"].form.errors
    assert "au moins un téléphone ou une adresse électronique" in errors["telephone"][0]
    assert "au moins un téléphone ou une adresse électronique" in errors["email"][0]
    assert not Porteur.objects.exists()


def test_an_email_alone_is_enough(chef_client):
    response = chef_client.post(ADD, _add_form(chef_client, email="lina@example.org"))
    assert response.status_code == 302


# Moving along the path


def test_changing_the_stage_in_the_form_records_a_dated_history_row(chef_client, chef):
    porteur = PorteurFactory(etape=Etape.EMERGENCE)
    response = _post_change(
        chef_client,
        porteur,
        etape=Etape.CREATION,
        date_changement_etape="15/01/2025",
        commentaire_etape="Dossier ADIE déposé",
    )
    assert response.status_code == 302
    porteur.refresh_from_db()
    assert porteur.etape == Etape.CREATION
    [row] = ChangementEtape.objects.filter(porteur=porteur)
    assert (row.etape, row.date, row.commentaire, row.auteur) == (
        Etape.CREATION,
        datetime.date(2025, 1, 15),
        "Dossier ADIE déposé",
        chef,
    )


def test_a_stage_change_without_date_is_dated_today(chef_client):
    porteur = PorteurFactory(etape=Etape.EMERGENCE)
    _post_change(chef_client, porteur, etape=Etape.FORMATION)
    assert ChangementEtape.objects.get(porteur=porteur).date == timezone.localdate()


def test_a_stage_change_cannot_be_dated_in_the_future(chef_client):
    porteur = PorteurFactory(etape=Etape.EMERGENCE)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _post_change(
        chef_client, porteur, etape=Etape.CREATION, date_changement_etape=tomorrow.strftime("%d/%m/%Y")
    )
    assert "futur" in response.context["adminform"].form.errors["date_changement_etape"][0]
    porteur.refresh_from_db()
    assert porteur.etape == Etape.EMERGENCE


def test_saving_a_person_without_changing_the_stage_adds_no_history_row(chef_client):
    porteur = PorteurFactory()
    response = _post_change(chef_client, porteur, idee="Une épicerie solidaire")
    assert response.status_code == 302
    assert not ChangementEtape.objects.filter(porteur=porteur).exists()


def test_earlier_history_rows_are_kept_when_the_stage_changes_again(chef_client):
    porteur = PorteurFactory(etape=Etape.CREATION)
    ChangementEtapeFactory(porteur=porteur, etape=Etape.CREATION, date=datetime.date(2019, 6, 1))
    _post_change(chef_client, porteur, etape=Etape.ENTREPRISE_CREEE)
    assert list(ChangementEtape.objects.filter(porteur=porteur).values_list("etape", flat=True)) == [
        Etape.ENTREPRISE_CREEE,
        Etape.CREATION,
    ]


def test_action_shows_an_intermediate_page_listing_the_selection(chef_client):
    people = PorteurFactory.create_batch(3)
    response = chef_client.post(
        CHANGELIST, {"action": "passer_a_l_etape", ACTION_CHECKBOX_NAME: [p.pk for p in people]}
    )
    assert response.status_code == 200
    assert "3 personnes sélectionnées" in response.content.decode()
    assert not ChangementEtape.objects.exists()


def test_action_moves_several_people_and_records_one_dated_row_each(chef_client, chef):
    people = PorteurFactory.create_batch(3, etape=Etape.EMERGENCE)
    deja = PorteurFactory(etape=Etape.CREATION)
    selection = [p.pk for p in people] + [deja.pk]
    response = chef_client.post(
        CHANGELIST,
        {
            "action": "passer_a_l_etape",
            ACTION_CHECKBOX_NAME: selection,
            "appliquer": "Appliquer",
            "etape": Etape.CREATION,
            "date": "10/02/2025",
            "commentaire": "Après l'atelier Émergence",
        },
    )
    assert response.status_code == 302
    rows = ChangementEtape.objects.filter(etape=Etape.CREATION)
    assert sorted(rows.values_list("porteur_id", flat=True)) == sorted(p.pk for p in people)
    assert set(rows.values_list("date", "auteur", "commentaire")) == {
        (datetime.date(2025, 2, 10), chef.pk, "Après l'atelier Émergence")
    }
    assert Porteur.objects.filter(etape=Etape.CREATION).count() == 4


def test_action_with_a_bad_date_shows_the_form_again_with_the_error(chef_client):
    people = PorteurFactory.create_batch(2)
    response = chef_client.post(
        CHANGELIST,
        {
            "action": "passer_a_l_etape",
            ACTION_CHECKBOX_NAME: [p.pk for p in people],
            "appliquer": "Appliquer",
            "etape": Etape.CREATION,
            "date": "pas une date",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not ChangementEtape.objects.exists()


# The person's page


def test_follow_up_logged_from_the_person_page_sets_the_call_back_and_the_author(chef_client, chef):
    porteur = PorteurFactory()
    data = form_data(chef_client.get(change_url(porteur)), "porteur_form")
    data.update(
        {
            "suivi_date": "20/11/2026",
            "suivi_type": Suivi.Type.TELEPHONE,
            "suivi_duree_minutes": "15",
            "suivi_notes": "Point sur le prévisionnel.",
            "suivi_relance_le": "04/12/2099",
            "_suivi": "Enregistrer le suivi",
        }
    )
    response = chef_client.post(change_url(porteur), data)
    assert response.status_code == 302
    suivi = Suivi.objects.get(porteur=porteur)
    assert suivi.auteur == chef
    porteur.refresh_from_db()
    assert porteur.relance_le == datetime.date(2099, 12, 4)


def test_a_follow_up_without_call_back_date_closes_the_call_back(chef_client):
    porteur = PorteurFactory(relance_le=datetime.date(2020, 1, 1))
    data = form_data(chef_client.get(change_url(porteur)), "porteur_form")
    data.update({"suivi_date": "20/11/2026", "suivi_notes": "Rappelée, projet en pause."})
    chef_client.post(change_url(porteur), data)
    porteur.refresh_from_db()
    assert porteur.relance_le is None


def test_person_page_lists_follow_ups_newest_first_and_the_history_read_only(chef_client):
    porteur = PorteurFactory()
    SuiviFactory(porteur=porteur, date=datetime.date(2020, 1, 1), notes="le plus ancien")
    SuiviFactory(porteur=porteur, date=datetime.date(2022, 1, 1), notes="le plus récent")
    ChangementEtapeFactory(porteur=porteur, etape=Etape.CREATION, date=datetime.date(2021, 1, 1))
    response = chef_client.get(change_url(porteur))
    html = response.content.decode()
    assert html.index("le plus récent") < html.index("le plus ancien")
    history = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is ChangementEtape)
    assert not history.has_add_permission and not history.has_change_permission


def test_person_page_queries_do_not_grow_with_follow_ups(chef_client, django_assert_max_num_queries, seeded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(porteur):
        with CaptureQueriesContext(connection) as ctx:
            assert chef_client.get(change_url(porteur)).status_code == 200
        return len(ctx)

    few = PorteurFactory()
    SuiviFactory.create_batch(2, porteur=few)
    many = PorteurFactory()
    SuiviFactory.create_batch(12, porteur=many)
    assert count(few) == count(many)
    with django_assert_max_num_queries(30):
        chef_client.get(change_url(many))


# The list


def _listed(response):
    return {p.pk for p in response.context["cl"].result_list}


def test_a_relancer_filter_lists_only_people_whose_call_back_has_come(chef_client):
    today = timezone.localdate()
    overdue = PorteurFactory(relance_le=today - datetime.timedelta(days=3))
    due_today = PorteurFactory(relance_le=today)
    PorteurFactory(relance_le=today + datetime.timedelta(days=1))
    PorteurFactory(relance_le=None)
    response = chef_client.get(CHANGELIST, {"a_relancer": "oui"})
    assert _listed(response) == {overdue.pk, due_today.pk}


def test_quartier_filter_has_a_hors_qpv_choice(chef_client):
    dedans = PorteurFactory(quartier=QuartierFactory(nom="Grazailles", slug="grazailles"))
    dehors = PorteurFactory(hors_qpv=True)
    assert _listed(chef_client.get(CHANGELIST, {"quartier": "hors_qpv"})) == {dehors.pk}
    assert _listed(chef_client.get(CHANGELIST, {"quartier": str(dedans.quartier_id)})) == {dedans.pk}


def test_year_of_first_contact_filter(chef_client):
    p2019 = PorteurFactory(date_premier_contact=datetime.date(2019, 12, 31))
    PorteurFactory(date_premier_contact=datetime.date(2020, 1, 1))
    response = chef_client.get(CHANGELIST, {"annee": "2019"})
    assert _listed(response) == {p2019.pk}


def test_list_filters_cover_stage_gender_situation_and_source(chef_client):
    femme = PorteurFactory(genre=Porteur.Genre.FEMME, situation="rsa", source="site_web", etape=Etape.CREATION)
    PorteurFactory(homme=True)
    query = {"genre__exact": "F", "situation__exact": "rsa", "source__exact": "site_web", "etape__exact": "creation"}
    assert _listed(chef_client.get(CHANGELIST, query)) == {femme.pk}


def test_search_finds_a_person_by_a_phone_typed_without_spaces(chef_client):
    porteur = PorteurFactory(telephone="06 07 08 09 10")
    PorteurFactory(telephone="06 99 99 99 99")
    assert _listed(chef_client.get(CHANGELIST, {"q": "0607080910"})) == {porteur.pk}


def test_search_by_phone_keeps_the_active_filters(chef_client):
    PorteurFactory(telephone="06 07 08 09 10", etape=Etape.CREATION)
    response = chef_client.get(CHANGELIST, {"q": "0607080910", "etape__exact": "emergence"})
    assert _listed(response) == set()


def test_search_by_name_and_email(chef_client):
    porteur = PorteurFactory(nom="Bellocq", email="bellocq@example.org")
    PorteurFactory(nom="Durand")
    assert _listed(chef_client.get(CHANGELIST, {"q": "belloc"})) == {porteur.pk}
    assert _listed(chef_client.get(CHANGELIST, {"q": "bellocq@example"})) == {porteur.pk}


def test_changelist_does_not_count_the_whole_table_twice(chef_client):
    PorteurFactory.create_batch(3)
    response = chef_client.get(CHANGELIST, {"q": "x"})
    assert response.context["cl"].show_full_result_count is False


# The index block


def test_index_block_lists_people_to_call_back_with_a_link_to_each(chef_client):
    today = timezone.localdate()
    overdue = PorteurFactory(prenom="Inès", nom="Rouquette", relance_le=today - datetime.timedelta(days=2))
    PorteurFactory(prenom="Tom", nom="Lavergne", relance_le=today + datetime.timedelta(days=2))
    html = chef_client.get(reverse("admin:index")).content.decode()
    assert "À relancer" in html
    assert f'href="{change_url(overdue)}"' in html
    assert "Inès Rouquette" in html
    assert "Lavergne" not in html


def test_index_block_is_limited_and_links_to_the_filtered_list(chef_client):
    today = timezone.localdate()
    PorteurFactory.create_batch(12, relance_le=today)
    response = chef_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert html.count("/admin/porteurs/porteur/") >= 10
    assert "Voir les 12 personnes à relancer" in html
    assert f"{CHANGELIST}?a_relancer=oui" in html


def test_index_block_is_not_shown_to_the_agglo(agglo_client):
    PorteurFactory(prenom="Inès", nom="Rouquette", relance_le=timezone.localdate())
    html = agglo_client.get(reverse("admin:index")).content.decode()
    assert "À relancer" not in html
    assert "Rouquette" not in html


# The Agglo sees aggregates only


@pytest.mark.parametrize("model", ["porteur", "suivi", "orientation", "changementetape", "partenaire"])
def test_agglo_gets_403_on_the_porteurs_admin_pages(agglo_client, model):
    porteur = PorteurFactory()
    obj = {
        "porteur": porteur,
        "suivi": SuiviFactory(porteur=porteur),
        "orientation": OrientationFactory(porteur=porteur),
        "changementetape": ChangementEtapeFactory(porteur=porteur),
        "partenaire": PartenaireFactory(),
    }[model]
    assert agglo_client.get(reverse(f"admin:porteurs_{model}_changelist")).status_code == 403
    assert agglo_client.get(reverse(f"admin:porteurs_{model}_add")).status_code == 403
    assert agglo_client.get(reverse(f"admin:porteurs_{model}_change", args=[obj.pk])).status_code == 403
