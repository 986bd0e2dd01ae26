import datetime

import pytest

from permanences.planning import format_semaine, semaine_iso, situation
from tests.public.conftest import LUNDI


def test_situation_on_monday_morning_is_the_office_until_noon(site):
    etat = situation(datetime.datetime.combine(LUNDI, datetime.time(10)))
    assert [c.lieu.nom for c in etat.aujourd_hui] == [
        "CitésLab – 13 rue Victor Hugo",
        "Antenne du centre social Max Savy – Fleming",
    ]
    assert etat.prochaine is None
    assert etat.expire_a == datetime.datetime.combine(LUNDI, datetime.time(12))


def test_situation_at_lunch_time_expires_when_the_afternoon_slot_starts(site):
    etat = situation(datetime.datetime.combine(LUNDI, datetime.time(12, 30)))
    assert [c.lieu.nom for c in etat.aujourd_hui] == ["Antenne du centre social Max Savy – Fleming"]
    assert etat.expire_a == datetime.datetime.combine(LUNDI, datetime.time(14))


def test_situation_on_wednesday_afternoon_gives_workshops_today_and_next_walk_in(site):
    mercredi = LUNDI + datetime.timedelta(days=2)
    etat = situation(datetime.datetime.combine(mercredi, datetime.time(13)))
    assert [c.lieu for c in etat.aujourd_hui] == [None]  # Ateliers Émergence, no walk-in place
    assert etat.prochaine.lieu.nom == "Centre social Max Savy"
    assert etat.prochaine.date == mercredi + datetime.timedelta(days=1)


def test_situation_on_sunday_has_nothing_today_and_monday_next(site):
    dimanche = LUNDI - datetime.timedelta(days=1)
    etat = situation(datetime.datetime.combine(dimanche, datetime.time(11)))
    assert etat.aujourd_hui == []
    assert etat.prochaine.date == LUNDI and etat.prochaine.permanence.debut == datetime.time(9)
    assert etat.expire_a == datetime.datetime.combine(LUNDI, datetime.time())


def test_iso_week_round_trip():
    assert semaine_iso("2026-W49") == LUNDI
    assert format_semaine(LUNDI + datetime.timedelta(days=3)) == "2026-W49"
    assert format_semaine(datetime.date(2027, 1, 1)) == "2026-W53"


@pytest.mark.parametrize("valeur", ["2026-49", "W49", "2026-W", "2026-W54", "abcd-W01"])
def test_iso_week_rejects_malformed(valeur):
    with pytest.raises(ValueError):
        semaine_iso(valeur)
