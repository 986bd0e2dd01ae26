"""The admin speaks natural French: titles, buttons, messages, confirmations and errors name the thing."""

import datetime
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from ateliers.models import Atelier, Inscription
from permanences.models import Fermeture, Permanence, Quartier
from porteurs.models import Suivi
from tests.ateliers.factories import AtelierFactory, InscriptionFactory
from tests.permanences.factories import QuartierFactory
from tests.porteurs.factories import PorteurFactory

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())).split())


def _titre(reponse) -> str:
    return html.unescape(re.search(r"<h1>(.*?)</h1>", reponse.content.decode(), re.S).group(1)).strip()


def _messages(reponse) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", str(m))) for m in get_messages(reponse.wsgi_request)]


def test_titles_name_the_thing_with_its_article(admin_client_):
    atelier = AtelierFactory(titre="Atelier Émergence")
    inscription = InscriptionFactory(atelier=atelier, prenom="Inès", nom="Garcia")
    assert _titre(admin_client_.get(reverse("admin:ateliers_atelier_add"))) == "Ajouter un atelier"
    assert _titre(admin_client_.get(reverse("admin:ateliers_inscription_add"))) == "Ajouter une inscription"
    change = admin_client_.get(reverse("admin:ateliers_inscription_change", args=[inscription.pk]))
    assert _titre(change) == f"Modifier l’inscription « {inscription} »"
    liste = admin_client_.get(reverse("admin:porteurs_porteur_changelist"))
    assert _titre(liste) == "Porteurs de projet"
    assert "Ajouter un porteur de projet" in _texte(liste)
    suppression = admin_client_.get(reverse("admin:ateliers_atelier_delete", args=[atelier.pk]))
    assert _titre(suppression) == f"Supprimer l’atelier « {atelier} »"
    assert f"Voulez-vous vraiment supprimer l’atelier « {atelier} » ?" in _texte(suppression)


def test_an_empty_list_says_so_in_french(admin_client_):
    texte = _texte(admin_client_.get(reverse("admin:permanences_fermeture_changelist")))
    assert "Aucune fermeture pour l’instant." in texte
    texte = _texte(admin_client_.get(reverse("admin:ateliers_atelier_changelist") + "?q=zzzz"))
    assert "Aucun atelier ne correspond à cette recherche." in texte


def test_saving_and_deleting_say_what_was_saved(admin_client_):
    reponse = admin_client_.post(
        reverse("admin:permanences_fermeture_add"),
        {"debut": "22/12/2026", "fin": "02/01/2027", "motif": "Congés de fin d'année"},
        follow=True,
    )
    fermeture = Fermeture.objects.get()
    assert _messages(reponse) == [f"La fermeture « {fermeture} » a été ajoutée."]
    atelier = AtelierFactory()
    reponse = admin_client_.post(
        reverse("admin:ateliers_atelier_delete", args=[atelier.pk]), {"post": "yes"}, follow=True
    )
    assert _messages(reponse) == [f"L’atelier « {atelier} » a été supprimé."]
    inscriptions = InscriptionFactory.create_batch(2)
    reponse = admin_client_.post(
        reverse("admin:ateliers_inscription_changelist"),
        {"action": "delete_selected", "_selected_action": [i.pk for i in inscriptions], "post": "yes"},
        follow=True,
    )
    assert _messages(reponse) == ["2 inscriptions supprimées."]


def test_the_delete_action_agrees_with_the_models_gender(admin_client_):
    InscriptionFactory()
    texte = _texte(admin_client_.get(reverse("admin:ateliers_inscription_changelist")))
    assert "Supprimer les inscriptions sélectionnées" in texte


def test_a_missing_object_is_named(admin_client_):
    reponse = admin_client_.get(reverse("admin:ateliers_atelier_change", args=[999999]), follow=True)
    assert _messages(reponse) == ["Aucun atelier ne porte le numéro 999999 : il a peut-être été supprimé."]


def test_a_closure_ending_before_it_starts_is_explained_on_its_end_date(admin_client_):
    reponse = admin_client_.post(
        reverse("admin:permanences_fermeture_add"), {"debut": "10/01/2027", "fin": "05/01/2027", "motif": "Congés"}
    )
    assert reponse.status_code == 200
    assert reponse.context["adminform"].form.errors["fin"] == ["La fermeture ne peut pas finir avant de commencer."]
    assert "contrainte" not in _texte(reponse)
    assert not Fermeture.objects.exists()


def test_a_duplicate_name_is_refused_in_words(admin_client_):
    QuartierFactory(nom="Grazailles", slug="grazailles")
    reponse = admin_client_.post(
        reverse("admin:permanences_quartier_add"), {"nom": "Grazailles", "slug": "grazailles-2", "ordre": 1}
    )
    assert reponse.context["adminform"].form.errors["nom"] == [
        "Il existe déjà un quartier prioritaire avec ce « nom »."
    ]
    assert Quartier.objects.count() == 1


_A_9_H = datetime.datetime(2027, 1, 10, 9, tzinfo=datetime.UTC)
_A_10_H = datetime.datetime(2027, 1, 10, 10, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("model", "valeurs", "champ", "phrase"),
    [
        (Atelier, {"debut": _A_10_H, "fin": _A_9_H, "capacite": 10}, "fin", "après son début"),
        (Atelier, {"debut": _A_9_H, "fin": _A_10_H, "capacite": 0}, "capacite", "une place"),
        (Inscription, {"telephone": "", "email": ""}, "telephone", "téléphone ou une adresse électronique"),
        (Permanence, {"debut": "12:00", "fin": "09:00", "type": "accueil"}, "fin", "finir après"),
        (Permanence, {"valide_du": "2027-01-10", "valide_au": "2026-01-10"}, "valide_au", "fin de validité"),
        (Permanence, {"type": "accueil", "lieu": None}, "lieu", "choisissez le lieu"),
        (Fermeture, {"debut": "2027-01-10", "fin": "2027-01-01"}, "fin", "avant de commencer"),
        (Suivi, {"duree_minutes": 2000}, "duree_minutes", "24 heures"),
    ],
)
def test_every_constraint_is_explained_on_its_field(model, valeurs, champ, phrase):
    instance = model(**valeurs)
    with pytest.raises(ValidationError) as erreur:
        instance.validate_constraints()
    assert any(phrase in m for m in erreur.value.message_dict[champ])


def test_no_constraint_of_the_project_keeps_djangos_generic_sentence():
    from django.apps import apps

    from citeslab.core.contraintes import contraintes_sans_explication

    oubliees = {
        model._meta.label: contraintes_sans_explication(model, getattr(model, "EXPLICATIONS", {}))
        for app in ("porteurs", "ateliers", "permanences", "financement", "rendezvous", "citeslab")
        for model in apps.get_app_config(app).get_models()
    }
    assert {label: noms for label, noms in oubliees.items() if noms} == {}


def test_the_persons_page_offers_another_referral_and_a_new_follow_up_in_words(chef_client):
    porteur = PorteurFactory()
    page = chef_client.get(reverse("admin:porteurs_porteur_change", args=[porteur.pk])).content.decode()
    assert "Ajouter une autre orientation" in html.unescape(page)
    assert "un objet" not in html.unescape(page)
    assert "Nouveau suivi" in page
    assert "#1" not in page


def test_the_export_boxes_are_labelled_with_the_files_headers(chef_client):
    texte = _texte(chef_client.get(reverse("admin:porteurs_porteur_export")))
    assert "Prénom" in texte and "À relancer le" in texte and "Toutes les colonnes" in texte
    assert "Prenom (" not in texte and "Relance Le" not in texte and "Select all" not in texte


def test_a_name_in_a_message_is_escaped(admin_client_):
    atelier = AtelierFactory(titre="<b>Atelier</b>")
    reponse = admin_client_.post(
        reverse("admin:ateliers_atelier_delete", args=[atelier.pk]), {"post": "yes"}, follow=True
    )
    page = reponse.content.decode()
    assert "a été supprimé." in page and "<b>Atelier</b>" not in page


def test_a_roles_permissions_are_listed_in_french_and_only_those_that_mean_something(admin_client_):
    page = html.unescape(admin_client_.get(reverse("admin:auth_group_add")).content.decode())
    assert "Ateliers — ajouter les inscriptions" in page
    assert "Can add" not in page and "historical" not in page


def test_selecting_every_page_agrees_with_the_models_gender(admin_client_, monkeypatch):
    from ateliers.admin import InscriptionAdmin

    monkeypatch.setattr(InscriptionAdmin, "list_per_page", 1)
    InscriptionFactory.create_batch(2)
    texte = _texte(admin_client_.get(reverse("admin:ateliers_inscription_changelist")))
    assert "Sélectionner toutes les 2 inscriptions" in texte and "Appliquer" in texte
