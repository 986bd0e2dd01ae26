import datetime

from icalendar import Calendar

from permanences.models import Fermeture, Lieu, Permanence
from permanences.opening_hours import osm_opening_hours, schema_org_opening_hours
from tests.public.conftest import LUNDI

OSM_BUREAU = "Mo,Tu 09:00-12:00,14:00-17:00; We 09:00-12:00; Th 14:00-17:00; Fr 09:00-12:00; PH off"


def accueil():
    return list(Permanence.objects.accueil().select_related("lieu"))


def test_osm_opening_hours_of_the_office_as_a_whole(site):
    assert osm_opening_hours(accueil()) == OSM_BUREAU


def test_osm_opening_hours_of_one_place(site):
    lieu = Lieu.objects.get(nom="Régie des quartiers La Conte")
    assert osm_opening_hours([p for p in accueil() if p.lieu_id == lieu.pk]) == "Fr 09:00-12:00; PH off"


def test_osm_opening_hours_merges_a_run_of_identical_days(db):
    from tests.permanences.factories import PermanenceFactory

    lieu = PermanenceFactory(jour=0).lieu
    for jour in (1, 2, 3):
        PermanenceFactory(jour=jour, lieu=lieu)
    assert osm_opening_hours(Permanence.objects.all()) == "Mo-Th 09:00-12:00; PH off"


def test_osm_opening_hours_adds_a_closure_of_every_slot_as_off(site):
    fermeture = Fermeture(debut=datetime.date(2026, 12, 21), fin=datetime.date(2026, 12, 31), motif="Congés")
    assert osm_opening_hours(accueil(), [fermeture]).endswith("; 2026 Dec 21-2026 Dec 31 off; PH off")


def test_schema_org_opening_hours_per_day_and_range(site):
    spec = schema_org_opening_hours(accueil())
    assert len(spec) == 7
    assert spec[0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "09:00",
        "closes": "12:00",
    }


def test_ics_feed_lists_coming_slots_with_place_and_address(client, site, a_l_heure):
    a_l_heure(datetime.datetime.combine(LUNDI, datetime.time(8)))
    response = client.get("/permanences.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    lundi = [e for e in events if e.decoded("dtstart").date() == LUNDI]
    assert len(lundi) == 2
    matin = min(lundi, key=lambda e: e.decoded("dtstart"))
    assert str(matin["summary"]) == "Permanence CitésLab – CitésLab – 13 rue Victor Hugo"
    assert "13 rue Victor Hugo, 11000 Carcassonne" in str(matin["location"])
    assert matin.decoded("dtstart").hour == 9 and str(matin.decoded("dtstart").tzinfo) == "Europe/Paris"
    assert len(list(cal.walk("VTIMEZONE"))) == 1
    assert len({str(e["uid"]) for e in events}) == len(events)
    # one week back, eight ahead, nine slots a week, minus two Fridays: Christmas and New Year's Day
    assert len(events) == 9 * 9 - 2


def test_ics_feed_leaves_out_closed_slots(client, site, a_l_heure):
    a_l_heure(datetime.datetime.combine(LUNDI, datetime.time(8)))
    Fermeture.objects.create(debut=LUNDI, fin=LUNDI + datetime.timedelta(days=4), motif="Congés")
    cal = Calendar.from_ical(client.get("/permanences.ics").content)
    dates = {e.decoded("dtstart").date() for e in cal.walk("VEVENT")}
    assert not any(LUNDI <= d <= LUNDI + datetime.timedelta(days=4) for d in dates)


def test_data_inclusion_export_has_structure_and_service(client, site):
    data = client.get("/api/data-inclusion.json").json()
    (structure,) = data["structures"]
    service, *par_lieu = data["services"]
    assert "siret" not in structure  # the office has no establishment of its own in the Sirene base
    assert structure["nom"] == "CitésLab Carcassonne"
    assert structure["code_postal"] == "11000" and structure["commune"] == "Carcassonne"
    assert structure["adresse"] == "13 rue Victor Hugo"
    assert structure["telephone"] == "+33607448297"
    assert structure["courriel"] == "bouchaib.danguire@carcassonne-agglo.fr"
    assert structure["horaires_accueil"] == OSM_BUREAU
    assert service["structure_id"] == structure["id"]
    assert "en-presentiel" in service["modes_accueil"]
    assert service["zone_eligibilite"] == ["11069"]
    assert service["horaires_accueil"] == OSM_BUREAU
    assert len(par_lieu) == 7
    regie = next(s for s in par_lieu if s["nom"] == "Permanence CitésLab – Régie des quartiers La Conte")
    assert regie["horaires_accueil"] == "Fr 09:00-12:00; PH off"
    assert regie["structure_id"] == structure["id"]


def test_data_inclusion_export_carries_a_coming_closure(client, site):
    Fermeture.objects.create(debut=datetime.date(2099, 1, 1), fin=datetime.date(2099, 1, 1), motif="Test")
    aujourd_hui = datetime.date.today()
    Fermeture.objects.create(debut=aujourd_hui, fin=aujourd_hui, motif="Formation")
    horaires = client.get("/api/data-inclusion.json").json()["structures"][0]["horaires_accueil"]
    assert f"{aujourd_hui:%Y} " in horaires.split("; PH off")[0].split("Fr 09:00-12:00")[1]


def test_week_page_gives_opening_hours_per_place_in_osm_syntax(client, site):
    html = client.get("/permanences/").content.decode()
    assert "<code>Fr 09:00-12:00; PH off</code>" in html
    assert f"<code>{OSM_BUREAU}</code>" in html
