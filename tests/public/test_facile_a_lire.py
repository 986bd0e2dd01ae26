"""/facile-a-lire/: the CitésLab, the next seven days' places and hours, how to come, in easy-to-read French.

Its readability is measured with the Kandel–Moles formula, the French adaptation of Flesch's reading ease:
207 − 1.015 × words per sentence − 73.6 × syllables per word (≥ 80: easy; 60–70: standard). Two counts are
made, and both must reach the threshold:
- `textstat` (lang "fr" uses exactly those constants); its syllables come from pyphen's hyphenation, which
  never splits one letter off a word's edge ("idée" counts 1) and so undercounts a little;
- a French vowel-group counter written here ("idée" 2, a final mute e not counted), which does not.
"""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import textstat
from django.contrib.staticfiles import finders

from permanences.models import Fermeture, Permanence
from tests.public.conftest import LUNDI
from tests.public.htmlcheck import html_errors

URL = "/facile-a-lire/"
SEUIL_FACILE = 80

LIGNES = {"p", "li", "h1", "h2", "h3", "dt", "dd", "td", "th"}


class TexteVisible(HTMLParser):
    """The text a reader sees in <main>, one entry per line (paragraph, list item, heading)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.dans_main = False
        self.ignore = 0
        self.lignes: list[str] = []
        self.courante: list[str] = []

    def _couper(self):
        texte = " ".join("".join(self.courante).split())
        if texte:
            self.lignes.append(texte)
        self.courante = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.dans_main = True
        if tag in ("script", "style", "template"):
            self.ignore += 1
        if tag in LIGNES:
            self._couper()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.ignore -= 1
        if tag in LIGNES or tag == "main":
            self._couper()
        if tag == "main":
            self.dans_main = False

    def handle_data(self, data):
        if self.dans_main and not self.ignore:
            self.courante.append(data)


def texte_visible(html: str) -> list[str]:
    parser = TexteVisible()
    parser.feed(html)
    return parser.lignes


def en_phrases(lignes: list[str]) -> str:
    """One line is one idea (the FALC rule): a line without final punctuation ends a sentence all the same."""
    return " ".join(ligne if ligne[-1] in ".!?" else ligne + "." for ligne in lignes)


VOYELLES = "aeiouyàâäéèêëîïôöùûüÿœæ"
MOT = re.compile(rf"[a-z{VOYELLES}]+", re.IGNORECASE)
GROUPE_DE_VOYELLES = re.compile(rf"[{VOYELLES}]+")
E_MUET_FINAL = re.compile(rf"[^{VOYELLES}]es?$")


def syllabes(mot: str) -> int:
    """Written French syllables: vowel groups, less a final mute « e » or « es » after a consonant."""
    mot = mot.lower()
    n = len(GROUPE_DE_VOYELLES.findall(mot))
    if n > 1 and E_MUET_FINAL.search(mot):
        n -= 1
    return max(1, n)


def kandel_moles(texte: str) -> float:
    phrases = [p for p in re.split(r"[.!?]+", texte) if MOT.search(p)]
    mots = MOT.findall(texte)
    return 207 - 1.015 * len(mots) / len(phrases) - 73.6 * sum(syllabes(m) for m in mots) / len(mots)


@pytest.fixture
def page(client, site, a_l_heure):
    a_l_heure(datetime.datetime.combine(LUNDI, datetime.time(8, 0)))
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("mot,attendu", [("idée", 2), ("entreprise", 3), ("heures", 1), ("téléphone", 3), ("a", 1)])
def test_the_french_syllable_counter_counts_like_a_reader(mot, attendu):
    assert syllabes(mot) == attendu


def test_page_reads_as_easy_french_by_kandel_moles(page, capsys):
    texte = en_phrases(texte_visible(page))
    textstat.set_lang("fr")
    score_textstat = textstat.flesch_reading_ease(texte)
    score_ici = kandel_moles(texte)
    with capsys.disabled():
        print(f"\nKandel–Moles de {URL} : {score_textstat:.1f} (textstat, fr), {score_ici:.1f} (compteur du test)")
    assert score_textstat >= SEUIL_FACILE
    assert score_ici >= SEUIL_FACILE


def test_page_keeps_sentences_short(page):
    lignes = texte_visible(page)
    assert max(len(MOT.findall(ligne)) for ligne in lignes) <= 15


def test_page_writes_no_abbreviation(page):
    texte = " ".join(texte_visible(page))
    assert "FJT" not in texte and "Foyer de jeunes travailleurs Le Viguier" in texte
    assert not re.search(r"\d\s?h\b", texte)  # « 9 heures », never « 9 h »
    assert "QPV" not in texte and "RSA" not in texte


def test_page_lists_the_places_and_hours_of_the_next_seven_days_from_the_schedule(page):
    texte = " ".join(texte_visible(page))
    assert "Aujourd'hui, lundi 30 novembre" in texte
    assert "De 9 heures à 12 heures : CitésLab – 13 rue Victor Hugo." in texte.replace("\xa0", " ")
    assert "Mardi 1er décembre" in texte and "Espace partagé Ozanam" in texte
    assert "Vendredi 4 décembre" in texte and "Régie des quartiers La Conte" in texte
    # Walk-in places only: the workshop slots have no place to walk into.
    assert "Ateliers" not in texte


def test_page_shows_a_closure_entered_in_the_admin_in_place_of_the_slot(client, site, a_l_heure):
    a_l_heure(datetime.datetime.combine(LUNDI, datetime.time(8, 0)))
    mardi_matin = Permanence.objects.get(jour=1, debut=datetime.time(9))
    Fermeture.objects.create(
        debut=LUNDI + datetime.timedelta(days=1),
        fin=LUNDI + datetime.timedelta(days=1),
        motif="Réunion de réseau",
        permanence=mardi_matin,
    )
    texte = " ".join(texte_visible(client.get(URL).content.decode())).replace("\xa0", " ")
    assert "Fermé de 9 heures à 12 heures. Réunion de réseau." in texte
    assert "Espace partagé Ozanam" not in texte


def test_page_shows_a_public_holiday_as_closed(client, site, a_l_heure):
    a_l_heure(datetime.datetime(2026, 12, 21, 8, 0))  # the week of Christmas, Friday 25th
    texte = " ".join(texte_visible(client.get(URL).content.decode())).replace("\xa0", " ")
    assert "Vendredi 25 décembre" in texte
    assert "Fermé de 9 heures à 12 heures. Noël." in texte


def test_page_says_how_to_come_and_how_to_call(page):
    texte = " ".join(texte_visible(page))
    assert "Vous n'avez pas besoin de prendre rendez-vous." in texte
    assert 'href="tel:+33607448297"' in page
    assert 'href="mailto:bouchaib.danguire@carcassonne-agglo.fr"' in page
    assert 'href="/contact/"' in page


def test_every_pictogram_has_its_text_and_exists(page):
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == 4
    for image in images:
        alt = re.search(r'alt="([^"]*)"', image).group(1)
        assert alt.startswith("Dessin d")
        source = re.search(r'src="/static/([^"]+)"', image).group(1)
        svg = Path(finders.find(source)).read_text()
        assert "<title>" in svg  # the file read alone still says what it shows


def test_page_is_valid_html_in_french_with_one_h1_and_no_inline_script(page):
    assert html_errors(page) == []
    assert '<html lang="fr">' in page and page.count("<h1") == 1
    assert "style=" not in page and "<style" not in page and "<script" not in page


def test_page_weighs_under_100_kb_with_its_css_and_pictograms(page):
    css = Path(finders.find("css/site.css")).read_bytes()
    pictos = sum(
        len(Path(finders.find(f"img/falc/{nom}.svg")).read_bytes()) for nom in ("idee", "calendrier", "venir")
    )
    pictos += len(Path(finders.find("img/falc/telephone.svg")).read_bytes())
    assert len(page.encode()) + len(css) + pictos < 100 * 1024


def test_page_makes_at_most_three_queries(client, site, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get(URL).status_code == 200


def test_page_renders_on_an_empty_database(client, db, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    html = client.get(URL).content.decode()
    assert "Le CitésLab est fermé dans les 7 prochains jours." in html


@pytest.mark.parametrize(
    "url", ["/", "/permanences/", "/contact/", "/mentions-legales/", "/donnees-personnelles/", URL, "/accessibilite/"]
)
def test_every_public_page_links_to_the_easy_to_read_page(client, site, url):
    assert f'href="{URL}"' in client.get(url).content.decode()
