import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from ateliers.models import Atelier, Inscription
from porteurs.models import ChangementEtape, Etape, Orientation, Porteur, Suivi

pytestmark = pytest.mark.django_db


def _generate(*args):
    out = io.StringIO()
    call_command("generate_activity", *args, stdout=out)
    return out.getvalue()


def _snapshot():
    """Everything generated, without database ids (a second run gets new ones)."""
    people = list(
        Porteur.objects.order_by("pk").values_list(
            "prenom", "nom", "telephone", "email", "quartier__slug", "genre", "date_naissance", "etape", "relance_le"
        )
    )
    suivis = list(Suivi.objects.order_by("pk").values_list("porteur__nom", "date", "type", "duree_minutes", "notes"))
    history = list(ChangementEtape.objects.order_by("pk").values_list("porteur__nom", "etape", "date"))
    orientations = list(Orientation.objects.order_by("pk").values_list("porteur__nom", "partenaire__sigle", "date"))
    ateliers = list(Atelier.objects.order_by("pk").values_list("titre", "debut", "capacite"))
    inscriptions = list(Inscription.objects.order_by("pk").values_list("nom", "atelier__debut", "statut"))
    return people, suivis, history, orientations, ateliers, inscriptions


def _wipe():
    Porteur.objects.all().delete()
    Atelier.objects.all().delete()


def test_same_seed_gives_the_same_data():
    _generate("--people", "150", "--seed", "7")
    first = _snapshot()
    _wipe()
    _generate("--people", "150", "--seed", "7")
    assert _snapshot() == first
    assert len(first[0]) == 150


def test_another_seed_gives_other_people():
    _generate("--people", "50", "--seed", "1")
    first = _snapshot()[0]
    _wipe()
    _generate("--people", "50", "--seed", "2")
    assert _snapshot()[0] != first


def test_if_empty_does_nothing_when_a_person_exists():
    _generate("--people", "20", "--seed", "1")
    out = _generate("--people", "20", "--seed", "1", "--if-empty")
    assert Porteur.objects.count() == 20
    assert "aucune activité générée" in out


def test_if_empty_generates_on_an_empty_database():
    _generate("--people", "20", "--seed", "1", "--if-empty")
    assert Porteur.objects.count() == 20


def test_summary_is_french_and_names_nobody():
    out = _generate("--people", "40", "--seed", "3")
    assert "40 porteurs de projet" in out
    for nom in Porteur.objects.values_list("nom", flat=True):
        assert nom not in out


def _share(people, predicate):
    return sum(1 for p in people if predicate(p)) / len(people)


def test_two_thousand_people_have_the_press_kit_proportions():
    _generate("--people", "2000", "--seed", "11")
    people = list(Porteur.objects.values("genre", "quartier_id", "etape", "date_naissance", "date_premier_contact"))
    n = len(people)
    etapes = Counter(p["etape"] for p in people)
    assert _share(people, lambda p: p["genre"] == "F") == pytest.approx(0.46, abs=0.03)
    assert _share(people, lambda p: p["quartier_id"] is not None) == pytest.approx(0.85, abs=0.03)
    assert (etapes[Etape.CREATION] + etapes[Etape.ENTREPRISE_CREEE]) / n == pytest.approx(0.41, abs=0.03)
    assert etapes[Etape.EMERGENCE] / n == pytest.approx(0.28, abs=0.03)
    assert etapes[Etape.RETOUR_EMPLOI] / n == pytest.approx(0.06, abs=0.02)
    assert Suivi.objects.count() / n == pytest.approx(10, abs=1)
    for p in people:
        assert 18 <= (p["date_premier_contact"] - p["date_naissance"]).days / 365.25 < 66.1
    years = sorted(d.year for d in Porteur.objects.dates("date_premier_contact", "year"))
    assert years == list(range(2018, timezone.localdate().year + 1))


def test_generated_history_referrals_and_registrations_hold_together():
    _generate("--people", "300", "--seed", "4")
    people = list(Porteur.objects.values("pk", "etape", "telephone", "email", "relance_le"))
    assert all(p["telephone"] or p["email"] for p in people)
    assert 0 < _share(people, lambda p: p["relance_le"] is not None) < 0.15
    # The last history row of each person is their current stage.
    last = {}
    for porteur_id, etape in ChangementEtape.objects.order_by("date", "pk").values_list("porteur_id", "etape"):
        last[porteur_id] = etape
    assert last == {p["pk"]: p["etape"] for p in people}
    assert Orientation.objects.exists()
    assert Inscription.objects.exists()
    over = Atelier.objects.avec_effectifs().filter(nb_confirmees__gt=F("capacite"))
    assert not over.exists()


def test_generated_phones_pass_the_admin_validation():
    from citeslab.core.telephone import normaliser_telephone

    _generate("--people", "30", "--seed", "5")
    for telephone in Porteur.objects.exclude(telephone="").values_list("telephone", flat=True):
        assert normaliser_telephone(telephone) == telephone


def test_the_demo_shows_the_coming_weeks_ateliers_emergence_open_for_registration(seeded):
    _generate("--people", "50", "--seed", "3")
    upcoming = Atelier.objects.publics().a_venir().filter(inscriptions_ouvertes=True, theme=Atelier.Theme.EMERGENCE)
    # Six weeks of Wednesday afternoons and Thursday mornings, less today and public holidays.
    assert upcoming.count() >= 8
    assert all(timezone.localtime(a.debut).weekday() in (2, 3) for a in upcoming)
