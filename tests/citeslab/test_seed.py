import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from financement.models import Contribution, Convention
from permanences.models import Bureau, Lieu, Permanence, Quartier
from porteurs.models import Partenaire

pytestmark = pytest.mark.django_db

# The press kit's table, read cell by cell: (day, half-day) -> place, "Ateliers Émergence" or empty.
PRESS_KIT_TABLE = {
    ("lundi", "matin"): "CitésLab – 13 rue Victor Hugo",
    ("lundi", "après-midi"): "Antenne du centre social Max Savy – Fleming",
    ("mardi", "matin"): "Espace partagé Ozanam",
    ("mardi", "après-midi"): "FJT Le Viguier",
    ("mercredi", "matin"): "Centre social Jean-Montsarrat",
    ("mercredi", "après-midi"): "Ateliers Émergence",
    ("jeudi", "matin"): "Ateliers Émergence",
    ("jeudi", "après-midi"): "Centre social Max Savy",
    ("vendredi", "matin"): "Régie des quartiers La Conte",
    ("vendredi", "après-midi"): None,
}


def _schedule():
    table = dict.fromkeys(PRESS_KIT_TABLE)
    for p in Permanence.objects.select_related("lieu"):
        cell = (p.get_jour_display(), p.demi_journee)
        assert table[cell] is None, f"two slots in {cell}"
        table[cell] = p.lieu.nom if p.lieu else p.get_type_display()
    return table


def test_seeded_schedule_equals_the_press_kit_table_cell_by_cell(seeded):
    assert _schedule() == PRESS_KIT_TABLE


def test_seeded_slots_run_nine_to_twelve_and_two_to_five(seeded):
    hours = set(Permanence.objects.values_list("debut", "fin"))
    assert hours == {(datetime.time(9), datetime.time(12)), (datetime.time(14), datetime.time(17))}


def test_ateliers_emergence_slots_have_no_walk_in_place(seeded):
    ateliers = Permanence.objects.filter(type=Permanence.Type.ATELIERS_EMERGENCE)
    assert ateliers.count() == 2
    assert not ateliers.filter(lieu__isnull=False).exists()


def test_the_five_quartiers_have_their_real_names(seeded):
    assert set(Quartier.objects.values_list("nom", flat=True)) == {
        "La Conte / Ozanam",
        "Le Viguier – Saint-Jacques",
        "Fleming / La Reille",
        "Grazailles",
        "La Bastide / Pont-Vieux",
    }


def test_every_place_has_its_quartier(seeded):
    assert not Lieu.objects.filter(quartier__isnull=True).exists()
    assert Lieu.objects.get(nom="Centre social Max Savy").quartier.nom == "Grazailles"
    assert Lieu.objects.get(nom="FJT Le Viguier").quartier.nom == "Le Viguier – Saint-Jacques"


def test_the_office_is_at_13_rue_victor_hugo(seeded):
    bureau = Bureau.objects.select_related("lieu").get()
    assert bureau.lieu.adresse_complete == "13 rue Victor Hugo, 11000 Carcassonne"
    assert bureau.telephone == "06 07 44 82 97"
    assert bureau.telephone_international == "+33607448297"
    assert bureau.email == "bouchaib.danguire@carcassonne-agglo.fr"


def test_the_partner_network_of_the_press_kit(seeded):
    assert set(Partenaire.objects.values_list("sigle", flat=True)) == {
        "ADIE",
        "AIRDIE",
        "BGE",
        "CCI",
        "CMA",
        "ICC",
        "Mission Locale",
        "France Travail",
        "CAE",
    }


def test_convention_shares_are_exactly_40_30_30_and_add_up_to_180000(seeded):
    convention = Convention.objects.get()
    assert convention.montant_total == Decimal("180000")
    contributions = {c.financeur.nom: c for c in Contribution.objects.select_related("financeur", "convention")}
    assert {nom: c.montant for nom, c in contributions.items()} == {
        "État": Decimal("72000"),
        "Caisse des Dépôts": Decimal("54000"),
        "Carcassonne Agglo": Decimal("54000"),
    }
    assert {nom: c.part for nom, c in contributions.items()} == {
        "État": Decimal("0.4"),
        "Caisse des Dépôts": Decimal("0.3"),
        "Carcassonne Agglo": Decimal("0.3"),
    }
    assert convention.ecart() == 0


def _snapshot():
    models = [Quartier, Lieu, Permanence, Partenaire, Convention, Contribution, Bureau]
    return {m.__name__: sorted(map(str, m.objects.values_list())) for m in models}


def test_seeding_twice_changes_nothing(db):
    call_command("seed_carcassonne", stdout=io.StringIO())
    first = _snapshot()
    call_command("seed_carcassonne", stdout=io.StringIO())
    assert _snapshot() == first


def test_seeding_again_keeps_what_the_office_edited(seeded):
    lieu = Lieu.objects.get(nom="Espace partagé Ozanam")
    lieu.adresse = "1 rue de l'exemple"
    lieu.save()
    call_command("seed_carcassonne", stdout=io.StringIO())
    lieu.refresh_from_db()
    assert lieu.adresse == "1 rue de l'exemple"
