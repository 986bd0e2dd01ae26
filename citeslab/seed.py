"""The office's reference data, transcribed from the inauguration press kit (8 March 2018).

Source: shared/seed/000_c5d9a3387674bf84.txt. The press kit misspells some names ("Viguiier",
"Flemming", "Grazaillles"); the real spellings are used here. It gives no street address for the
neighbourhood places, only for the office: their street is left blank for the office to fill in the
admin, and their map link searches by name in Carcassonne meanwhile.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from financement.models import Contribution, Convention, Financeur
from permanences.models import Bureau, Lieu, Permanence, Quartier
from porteurs.models import Partenaire

# The schedule has been in force since the office's inauguration.
DEBUT_PLANNING = datetime.date(2018, 3, 8)

QUARTIERS = [
    ("la-bastide-pont-vieux", "La Bastide / Pont-Vieux"),
    ("la-conte-ozanam", "La Conte / Ozanam"),
    ("le-viguier-saint-jacques", "Le Viguier – Saint-Jacques"),
    ("fleming-la-reille", "Fleming / La Reille"),
    ("grazailles", "Grazailles"),
]

BUREAU = "CitésLab – 13 rue Victor Hugo"

LIEUX = [
    # (nom, adresse, quartier slug)
    (BUREAU, "13 rue Victor Hugo", "la-bastide-pont-vieux"),
    ("Antenne du centre social Max Savy – Fleming", "", "fleming-la-reille"),
    ("Espace partagé Ozanam", "", "la-conte-ozanam"),
    ("FJT Le Viguier", "", "le-viguier-saint-jacques"),
    ("Centre social Jean-Montsarrat", "", "le-viguier-saint-jacques"),
    ("Centre social Max Savy", "", "grazailles"),
    ("Régie des quartiers La Conte", "", "la-conte-ozanam"),
]

MATIN = (datetime.time(9), datetime.time(12))
APRES_MIDI = (datetime.time(14), datetime.time(17))
ATELIERS = Permanence.Type.ATELIERS_EMERGENCE
ACCUEIL = Permanence.Type.ACCUEIL
J = Permanence.Jour

# The weekly table of the press kit, cell by cell. Friday afternoon is empty.
PLANNING = [
    (J.LUNDI, MATIN, ACCUEIL, BUREAU),
    (J.LUNDI, APRES_MIDI, ACCUEIL, "Antenne du centre social Max Savy – Fleming"),
    (J.MARDI, MATIN, ACCUEIL, "Espace partagé Ozanam"),
    (J.MARDI, APRES_MIDI, ACCUEIL, "FJT Le Viguier"),
    (J.MERCREDI, MATIN, ACCUEIL, "Centre social Jean-Montsarrat"),
    (J.MERCREDI, APRES_MIDI, ATELIERS, None),
    (J.JEUDI, MATIN, ATELIERS, None),
    (J.JEUDI, APRES_MIDI, ACCUEIL, "Centre social Max Savy"),
    (J.VENDREDI, MATIN, ACCUEIL, "Régie des quartiers La Conte"),
]

PARTENAIRES = [
    # (nom, sigle, rôle)
    ("Association pour le droit à l'initiative économique", "ADIE", "Microcrédit et accompagnement des créateurs."),
    ("AIRDIE Occitanie", "AIRDIE", "Financement solidaire et garanties bancaires."),
    ("Boutique de gestion", "BGE", "Accompagnement à la création et formation des créateurs."),
    ("Chambre de commerce et d'industrie de l'Aude", "CCI", "Formalités et formation des futurs commerçants."),
    ("Chambre de métiers et de l'artisanat de l'Aude", "CMA", "Formalités et formation des futurs artisans."),
    ("Initiative Carcassonne", "ICC", "Plateforme d'initiative locale : prêts d'honneur et parrainage."),
    ("Mission Locale", "Mission Locale", "Accompagnement des 16–25 ans."),
    ("France Travail (ex-Pôle emploi)", "France Travail", "Aides aux demandeurs d'emploi qui créent leur activité."),
    ("Coopérative d'activité et d'emploi", "CAE", "Tester son activité en sécurité, comme entrepreneur salarié."),
]

FINANCEURS = [
    # (nom, sigle, montant)
    ("État", "État", Decimal("72000")),
    ("Caisse des Dépôts", "CDC", Decimal("54000")),
    ("Carcassonne Agglo", "Agglo", Decimal("54000")),
]

CONVENTION = {
    "intitule": "Convention CitésLab Carcassonne 2018–2020",
    "debut": datetime.date(2018, 1, 1),
    "fin": datetime.date(2020, 12, 31),
    "montant_total": Decimal("180000"),
}

CONTACT = {
    "nom": "CitésLab Carcassonne",
    "responsable": "Bouchaïb Danguire",
    "fonction": "Chef de projet CitésLab",
    "telephone": "06 07 44 82 97",
    "email": "bouchaib.danguire@carcassonne-agglo.fr",
    "structure_porteuse": "Carcassonne Agglo",
}


@transaction.atomic
def seed_carcassonne() -> dict[str, int]:
    """Create or update the reference data. Running it twice changes nothing. Returns rows created."""
    created = dict.fromkeys(["quartiers", "lieux", "permanences", "partenaires", "financeurs", "conventions"], 0)

    quartiers = {}
    for ordre, (slug, nom) in enumerate(QUARTIERS, start=1):
        quartiers[slug], new = Quartier.objects.get_or_create(slug=slug, defaults={"nom": nom, "ordre": ordre})
        created["quartiers"] += new

    lieux = {}
    for nom, adresse, quartier in LIEUX:
        lieu, new = Lieu.objects.get_or_create(nom=nom, defaults={"adresse": adresse, "quartier": quartiers[quartier]})
        lieux[nom] = lieu
        created["lieux"] += new

    for jour, (debut, fin), type_, lieu in PLANNING:
        _, new = Permanence.objects.get_or_create(
            jour=jour,
            debut=debut,
            fin=fin,
            type=type_,
            lieu=lieux[lieu] if lieu else None,
            # Demo: every walk-in permanence also offers its first two half-hours on /rendez-vous/.
            defaults={"valide_du": DEBUT_PLANNING, "prend_rdv": type_ == ACCUEIL},
        )
        created["permanences"] += new

    for nom, sigle, description in PARTENAIRES:
        _, new = Partenaire.objects.get_or_create(sigle=sigle, defaults={"nom": nom, "description": description})
        created["partenaires"] += new

    convention, new = Convention.objects.get_or_create(intitule=CONVENTION["intitule"], defaults=CONVENTION)
    created["conventions"] += new
    for nom, sigle, montant in FINANCEURS:
        financeur, new = Financeur.objects.get_or_create(nom=nom, defaults={"sigle": sigle})
        created["financeurs"] += new
        Contribution.objects.get_or_create(convention=convention, financeur=financeur, defaults={"montant": montant})

    # Only the first run writes the contact; afterwards it belongs to the office, edited in the admin.
    if not Bureau.objects.exists():
        Bureau.objects.create(lieu=lieux[BUREAU], **CONTACT)

    return created
