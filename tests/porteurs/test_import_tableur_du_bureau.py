"""The office's own spreadsheets: its column titles, short quartier names, feminine forms, and what goes wrong."""

import datetime
import html as html_module
import io
import re
import unicodedata

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeslab.core.imports import CSVFrancais
from citeslab.core.imports_correspondance import appliquer, proposer
from citeslab.core.saisie import DateIncorrecte, lire_date
from citeslab.seed import QUARTIERS
from porteurs.models import ChangementEtape, Porteur
from porteurs.resources import PorteurResource
from tests.permanences.factories import QuartierFactory
from tests.porteurs.factories import PorteurFactory
from tests.porteurs.test_import import _apercu, _envoyer

ENTETE_DU_BUREAU = ["NOM", "Prénom", "Né(e) le", "Tél", "Email", "Quartier", "Situation", "Sexe", "Commentaire"]
faux = Faker("fr_FR")


def _sans_accents(texte):
    return unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()


@pytest.fixture
def quartiers(db):
    return {slug: QuartierFactory(nom=nom, slug=slug, ordre=i) for i, (slug, nom) in enumerate(QUARTIERS)}


def _personnes(n, debut=0):
    """n generated people as the office types them: short quartier names, feminine forms, French dates."""
    courts = ["Ozanam", "Le Viguier", "Fleming", "La Bastide", "Hors QPV", "grazailles", "LA CONTE", "saint-jacques"]
    situations = ["Salariée", "Demandeuse d'emploi", "RSA", "Étudiante", "inactifs", "DE"]
    lignes = []
    for i in range(debut, debut + n):
        naissance = datetime.date(1960, 1, 1) + datetime.timedelta(days=97 * i)
        lignes.append(
            [
                faux.last_name().upper(),
                faux.first_name(),
                f"{naissance:%d/%m/%Y}",
                f"06{i:08d}",
                f"personne{i}@example.org",
                courts[i % len(courts)],
                situations[i % len(situations)],
                "F" if i % 2 else "Homme",
                "à rappeler",
            ]
        )
    return lignes


def _csv(lignes, entete=ENTETE_DU_BUREAU, separateur=";", encodage="cp1252"):
    texte = "\r\n".join(separateur.join(ligne) for ligne in [entete, *lignes]) + "\r\n"
    return texte.encode(encodage)


# -- Reading what people type ----------------------------------------------------------------------------------


def test_the_office_headers_are_recognised_and_the_unknown_one_is_listed_as_ignored():
    choix = proposer(ENTETE_DU_BUREAU, PorteurResource())
    assert choix == ["nom", "prenom", "date_naissance", "telephone", "email", "quartier", "situation", "genre", ""]


@pytest.mark.parametrize(
    ("titre", "champ"),
    [
        ("E-mail", "email"),
        ("Mail", "email"),
        ("COURRIEL", "email"),
        ("Adresse mail", "email"),
        ("Genre", "genre"),
        ("Date de naissance", "date_naissance"),
        ("naissance", "date_naissance"),
        ("DDN", "date_naissance"),
        ("Tel.", "telephone"),
        ("Portable", "telephone"),
        ("Téléphone", "telephone"),
        ("mobile", "telephone"),
        ("GSM", "telephone"),
        ("Idée", "idee"),
        ("Projet", "idee"),
        ("Idée de projet", "idee"),
        ("Nom de famille", "nom"),
        ("prenom", "prenom"),
        ("Quartier prioritaire", "quartier"),
        ("Adresse", ""),
    ],
)
def test_usual_header_variants_feed_their_field(titre, champ):
    assert proposer([titre], PorteurResource()) == [champ]


def test_a_field_goes_to_its_first_column_and_a_second_one_is_ignored():
    assert proposer(["Tél", "Portable"], PorteurResource()) == ["telephone", ""]


@pytest.mark.parametrize(
    ("ecrit", "slug"),
    [
        ("Ozanam", "la-conte-ozanam"),
        ("la conte", "la-conte-ozanam"),
        ("Le Viguier", "le-viguier-saint-jacques"),
        ("St Jacques", "le-viguier-saint-jacques"),
        ("FLEMING", "fleming-la-reille"),
        ("La Reille", "fleming-la-reille"),
        ("La Bastide", "la-bastide-pont-vieux"),
        ("pont vieux", "la-bastide-pont-vieux"),
        ("Grazailles", "grazailles"),
        ("Quartier Grazailles", "grazailles"),
        ("Le Viguier – Saint-Jacques", "le-viguier-saint-jacques"),
        ("Hors QPV", None),
        ("hors quartier", None),
        ("", None),
    ],
)
def test_quartiers_are_known_by_any_usual_name(quartiers, ecrit, slug):
    quartier = PorteurResource().fields["quartier"].widget.clean(ecrit)
    assert (quartier.slug if quartier else None) == slug


def test_an_unknown_quartier_names_the_possible_ones(quartiers):
    with pytest.raises(ValueError, match="Quartier inconnu : « Trèbes ».*Grazailles.*Hors QPV"):
        PorteurResource().fields["quartier"].widget.clean("Trèbes")


@pytest.mark.parametrize(
    ("champ", "ecrit", "code"),
    [
        ("situation", "Salariée", "salarie"),
        ("situation", "salariés", "salarie"),
        ("situation", "Demandeuse d'emploi", "demandeur_emploi"),
        ("situation", "demandeurs d'emploi", "demandeur_emploi"),
        ("situation", "DE", "demandeur_emploi"),
        ("situation", "Étudiante", "etudiant"),
        ("situation", "INACTIVE", "inactif"),
        ("situation", "bénéficiaire du rsa", "rsa"),
        ("genre", "Femme", "F"),
        ("genre", "femmes", "F"),
        ("genre", "Madame", "F"),
        ("genre", "M.", "H"),
        ("genre", "homme", "H"),
        ("source", "bouche a oreille", "bouche_a_oreille"),
        ("source", "Orientée par un partenaire", "partenaire"),
        ("secteur", "Restauration", "restauration"),
        ("etape", "création", "creation"),
    ],
)
def test_choices_are_known_in_feminine_plural_and_usual_forms(champ, ecrit, code):
    assert PorteurResource().fields[champ].widget.clean(ecrit) == code


@pytest.mark.parametrize(
    ("ecrit", "message"),
    [
        ("31/02/1985", "le 31 février n'existe pas"),
        ("17/13/1990", "le mois 13 n'existe pas"),
        ("32/01/1990", "le jour 32 n'existe pas"),
        ("29/02/1985", "le 29 février 1985 n'existe pas (1985 n'est pas bissextile)"),
        ("né en 1990", "date attendue au format jj/mm/aaaa"),
        ("17 mai", "date attendue au format jj/mm/aaaa"),
    ],
)
def test_a_wrong_date_says_what_is_wrong(ecrit, message):
    with pytest.raises(DateIncorrecte) as erreur:
        lire_date(ecrit)
    assert message in str(erreur.value).replace("\xa0", " ")


@pytest.mark.parametrize(
    "ecrit",
    ["17/05/1990", "17-05-1990", "17.05.1990", "17/5/90", "1990-05-17", "17051990", 33010, datetime.date(1990, 5, 17)],
)
def test_dates_are_read_however_the_spreadsheet_holds_them(ecrit):
    assert lire_date(ecrit) == datetime.date(1990, 5, 17)


# -- Through the admin, as the chef de projet does it ----------------------------------------------------------


def test_an_office_file_in_windows_1252_with_short_quartier_names_goes_through_the_mapping_step(
    chef_client, quartiers, executer_taches
):
    lignes = _personnes(8)
    correspondance = _envoyer(chef_client, _csv(lignes))
    texte = correspondance.content.decode()
    assert correspondance.status_code == 200
    assert "Étape 2 sur 3" in texte
    # Every column beside the field it fills; the one without a field listed as ignored, never dropped silently.
    assert [c.choix for c in correspondance.context["colonnes"]] == proposer(ENTETE_DU_BUREAU, PorteurResource())
    assert [c.titre for c in correspondance.context["ignorees"]] == ["Commentaire"]
    assert "Colonnes ignorées" in texte and "Commentaire" in texte
    assert Porteur.objects.count() == 0

    apercu = _apercu(chef_client, _csv(lignes))
    assert apercu.status_code == 200
    assert "8 lignes prêtes à importer" in apercu.content.decode()
    assert [ligne.numero for ligne in apercu.context["lignes"]] == list(range(2, 10))
    reponse = chef_client.post("/admin/porteurs/porteur/process_import/", apercu.context["confirm_form"].initial)
    assert reponse.status_code == 302
    executer_taches()
    assert Porteur.objects.count() == 8
    premiere = Porteur.objects.get(email="personne0@example.org")
    assert premiere.nom == lignes[0][0] and premiere.prenom == lignes[0][1]
    assert premiere.quartier.slug == "la-conte-ozanam"  # « Ozanam »
    assert premiere.situation == Porteur.Situation.SALARIE  # « Salariée »
    assert premiere.genre == Porteur.Genre.HOMME
    assert premiere.telephone == "06 00 00 00 00"
    assert Porteur.objects.get(email="personne4@example.org").quartier is None  # « Hors QPV »
    assert ChangementEtape.objects.count() == 8


def test_the_mapping_can_be_changed_and_a_required_field_left_out_is_refused(chef_client, quartiers):
    lignes = _personnes(2)
    # « Né(e) le » ignored: the birth date is required, the page says so and shows the mapping again.
    reponse = _apercu(chef_client, _csv(lignes), changements={"colonne_2": ""})
    assert reponse.status_code == 200 and "confirm_form" not in reponse.context
    assert "Aucune colonne ne donne « Date de naissance »" in reponse.content.decode().replace("\xa0", " ")
    # The comment column chosen as the idea.
    reponse = _apercu(chef_client, _csv(lignes), changements={"colonne_8": "idee"})
    assert reponse.context["confirm_form"] is not None
    assert "Idée de projet" in reponse.context["entetes"]


def test_each_error_is_written_under_its_cell_with_the_spreadsheet_row_number(chef_client, quartiers):
    lignes = _personnes(3)
    lignes[1][2] = "31/02/1985"
    lignes[2][5] = "Trèbes"
    apercu = _apercu(chef_client, _csv(lignes))
    assert "confirm_form" not in apercu.context
    fautives = {ligne.numero: ligne for ligne in apercu.context["lignes"]}
    assert set(fautives) == {3, 4}  # header = 1, first person = 2
    assert fautives[3].cellules[2].erreurs == ["«\xa031/02/1985\xa0»\xa0: le 31 février n'existe pas."]
    assert fautives[3].cellules[2].erreurs[0] in apercu.content.decode().replace("&#x27;", "'")
    assert "Quartier inconnu" in fautives[4].cellules[5].erreurs[0]
    html = apercu.content.decode()
    assert 'class="erreur-cellule"' in html and "validation-error-count" not in html
    assert Porteur.objects.count() == 0


def test_empty_lines_keep_the_spreadsheet_row_numbers(chef_client, quartiers):
    lignes = _personnes(3)
    lignes[2][2] = "17/13/1990"
    contenu = _csv(lignes).replace(b"\r\n", b"\r\n\r\n", 2).replace(b"\r\n\r\n", b"\r\n", 1)
    contenu = contenu.replace(lignes[1][0].encode("cp1252"), b";;;;;;;;\r\n" + lignes[1][0].encode("cp1252"))
    apercu = _apercu(chef_client, contenu)
    # Header, person, empty line, « ;;;; » line, person, person: the faulty one is row 6 in the spreadsheet.
    assert [ligne.numero for ligne in apercu.context["lignes"]] == [6]


# -- Duplicates --------------------------------------------------------------------------------------------------


def test_the_same_person_written_another_way_completes_her_page_instead_of_being_duplicated(
    chef_client, quartiers, executer_taches
):
    existante = PorteurFactory(
        nom="Dupré-Lefèvre", prenom="Élodie", date_naissance=datetime.date(1990, 5, 17), telephone="", email=""
    )
    ligne = ["DUPRE LEFEVRE", "elodie", "17/05/1990", "0612345678", "", "Ozanam", "Salariée", "F", ""]
    apercu = _apercu(chef_client, _csv([ligne]))
    assert apercu.context["totaux"]["update"] == 1
    assert f"/admin/porteurs/porteur/{existante.pk}/change/" in apercu.content.decode()
    chef_client.post("/admin/porteurs/porteur/process_import/", apercu.context["confirm_form"].initial)
    executer_taches()
    assert Porteur.objects.count() == 1
    existante.refresh_from_db()
    assert existante.telephone == "06 12 34 56 78" and existante.nom == "DUPRE LEFEVRE"


def test_a_phone_or_email_already_someone_else_s_refuses_the_row_and_links_to_that_person(chef_client, quartiers):
    autre = PorteurFactory(telephone="06 00 00 00 01", email="deja@example.org")
    lignes = _personnes(3)
    lignes[2][4] = "DEJA@example.org"
    apercu = _apercu(chef_client, _csv(lignes))
    fautives = {ligne.numero: ligne for ligne in apercu.context["lignes"]}
    assert set(fautives) == {3, 4}
    assert "déjà celui de la fiche de" in fautives[3].cellules[3].erreurs[0]
    assert "déjà celui de la fiche de" in fautives[4].cellules[4].erreurs[0]
    assert f"/admin/porteurs/porteur/{autre.pk}/change/" in apercu.content.decode()
    assert Porteur.objects.count() == 1


def test_the_same_person_twice_in_the_file_is_refused_naming_the_first_row(chef_client, quartiers):
    lignes = _personnes(2)
    double = [_sans_accents(lignes[0][0]).lower(), lignes[0][1].upper(), lignes[0][2], "", "", "", "", "", ""]
    apercu = _apercu(chef_client, _csv([*lignes, double]))
    (fautive,) = apercu.context["lignes"]
    assert fautive.numero == 4
    assert "Même personne que la ligne 2" in fautive.cellules[0].erreurs[0]


# -- Speed -------------------------------------------------------------------------------------------------------


def _requetes_pour(n, chef, debut):
    dataset = CSVFrancais().create_dataset(_csv(_personnes(n, debut)))
    resource = PorteurResource()
    donnees, numeros = appliquer(dataset, proposer(dataset.headers, resource), resource)
    with CaptureQueriesContext(connection) as requetes:
        result = resource.import_data(
            donnees,
            dry_run=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=chef,
            numeros_lignes=numeros,
        )
    assert not result.has_errors() and not result.has_validation_errors()
    return len(requetes)


def test_importing_does_not_query_once_per_row(quartiers, chef):
    PorteurFactory.create_batch(3)
    dix = _requetes_pour(10, chef, 0)
    # 40 rows: one INSERT per table on SQLite too, which splits an INSERT at 999 parameters (about 50 people).
    quarante = _requetes_pour(40, chef, 100)
    assert quarante == dix
    assert Porteur.history.filter(history_user=chef).count() == 50
    assert ChangementEtape.objects.filter(commentaire="Import de fichier").count() == 50


# -- Whatever the file -------------------------------------------------------------------------------------------


def _xlsx(lignes, entete=ENTETE_DU_BUREAU, apres=None):
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    for ligne in [entete, *lignes]:
        feuille.append(ligne)
    if apres:
        apres(feuille)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def test_an_xlsx_with_dates_as_numbers_phones_as_numbers_merged_cells_and_formulas_imports(chef_client, quartiers):
    lignes = _personnes(3)
    lignes[0][2] = 33010  # a birth date cell formatted as a number
    lignes[0][3] = 612345678  # a phone typed as a number: the leading zero is gone
    lignes[1][2] = datetime.datetime(1985, 3, 2)

    def abimer(feuille):
        feuille["I5"] = "=1+1"
        feuille.merge_cells("I2:I3")

    apercu = _apercu(chef_client, _xlsx(lignes, apres=abimer), "porteurs.xlsx", "1")
    assert apercu.status_code == 200, apercu.content.decode()[:3000]
    assert apercu.context["confirm_form"] is not None
    cellules = apercu.context["lignes"][0].cellules
    assert cellules[2].valeur == "33010" and not cellules[2].erreurs


def _texte_visible(reponse):
    """The page's own content as read on screen: no tags, attributes nor scripts."""
    html = reponse.content.decode()
    html = html[html.index('<div id="content"') :]
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


ANGLAIS = ("Traceback", "Error", "error", "encountered", "Ensure", "Line number", "Exception", "invalid", "Invalid")


@pytest.mark.parametrize(
    ("contenu", "format_", "attendu"),
    [
        (b"", "0", "vide"),
        (b"\x00\x01\x02\xff\xfe binaire \x00" * 40, "0", ""),
        (b"\x00\x01\x02\xff\xfe binaire \x00" * 40, "1", "xlsx"),
        ("NOM;Prénom;Né(e) le\r\n".encode("cp1252"), "0", "que sa ligne de titres"),
        ("\ufeffNOM;Prénom;Né(e) le\r\n;;\r\n".encode(), "0", "que sa ligne de titres"),
        (_csv([["a"]], entete=["x"]).replace(b"a", b'"a'), "0", ""),
    ],
    ids=["empty", "binary-as-csv", "binary-as-xlsx", "headers-only", "headers-and-blank-row", "open-quote"],
)
def test_weird_files_get_a_french_answer(chef_client, quartiers, contenu, format_, attendu):
    reponse = _envoyer(chef_client, contenu, format_=format_)
    assert reponse.status_code == 200
    texte = _texte_visible(reponse)
    if "colonnes" in reponse.context:  # read: the mapping page, then what its confirmation shows
        texte += _texte_visible(_apercu(chef_client, contenu, format_=format_))
    assert attendu in texte
    assert not any(mot in texte for mot in ANGLAIS), texte
    assert Porteur.objects.count() == 0


def _cellule():
    return st.one_of(
        st.text(max_size=30),
        st.sampled_from(["31/02/1985", "17/13/1990", "Ozanam", "Salariée", "=1+1", "06 12 34 56 78", "", " "]),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    contenu=st.one_of(
        st.binary(max_size=2000),
        st.lists(st.lists(_cellule(), min_size=1, max_size=10), min_size=1, max_size=6).map(
            lambda lignes: "\n".join(";".join(c.replace(";", ",") for c in ligne) for ligne in lignes).encode("utf-8")
        ),
        st.lists(st.lists(_cellule(), min_size=9, max_size=9), max_size=4).map(
            lambda lignes: _csv(lignes, encodage="utf-8")
        ),
    ),
    format_=st.sampled_from(["0", "1"]),
)
def test_random_files_never_give_a_server_error_nor_english(chef_client, quartiers, contenu, format_):
    reponse = _envoyer(chef_client, contenu, format_=format_)
    assert reponse.status_code == 200
    texte = _texte_visible(reponse)
    if "colonnes" in reponse.context:
        apercu = _apercu(chef_client, contenu, format_=format_)
        assert apercu.status_code in (200, 302)
        if apercu.status_code == 200:
            texte += _texte_visible(apercu)
    assert not any(mot in texte for mot in ANGLAIS), texte
    assert Porteur.objects.count() == 0
