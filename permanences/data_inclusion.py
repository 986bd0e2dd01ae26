"""The office and its walk-in places as data·inclusion reads them (schema v1), for DORA and social workers.

Values of the enumerations come from the official `data-inclusion-schema` package, so a value the schema
renames fails at import rather than silently in the national directory; the tests validate the whole
export with the package's v1 models.
"""

import datetime
from dataclasses import dataclass

from data_inclusion.schema.v1 import (
    Frais,
    ModeAccueil,
    ModeMobilisation,
    PersonneMobilisatrice,
    Public,
    Thematique,
    TypeService,
)

from permanences.models import Bureau, Fermeture, Permanence
from permanences.opening_hours import osm_opening_hours
from permanences.schema import DESCRIPTION

SOURCE = "citeslab-carcassonne"
CODE_INSEE_CARCASSONNE = "11069"

THEMATIQUES = [
    Thematique.CREER_UNE_ENTREPRISE__DEFINIR_SON_PROJET_DE_CREATION_DENTREPRISE,
    Thematique.CREER_UNE_ENTREPRISE__STRUCTURER_SON_PROJET_DE_CREATION_DENTREPRISE,
]

DESCRIPTION_SERVICE = (
    "Le CitésLab aide gratuitement les habitants des quartiers prioritaires de Carcassonne qui ont une idée "
    "d'entreprise, avant la création. Le chef de projet écoute l'idée et aide à la formuler, même si elle n'est "
    "pas encore claire. Il sécurise le parcours : les étapes, les aides, les pièges à éviter. Il oriente vers le "
    "bon partenaire : ADIE, BGE, CCI, CMA, Initiative Carcassonne, Mission Locale, France Travail. Il reçoit sans "
    "rendez-vous pendant ses permanences dans les cinq quartiers (La Bastide / Pont-Vieux, La Conte / Ozanam, "
    "Le Viguier – Saint-Jacques, Fleming / La Reille, Grazailles) et sur rendez-vous pris en ligne. Des ateliers "
    "collectifs font découvrir la création d'entreprise entre habitants."
)


@dataclass(frozen=True)
class Liens:
    """Absolute addresses of the site's pages, built by the caller that knows the request and the URLconf."""

    site: str
    rendez_vous: str
    contact: str


def _sans_vide(data: dict) -> dict:
    # An absent field and a null one mean the same to data·inclusion; absent keeps the export readable.
    return {cle: valeur for cle, valeur in data.items() if valeur not in (None, [], "")}


def _coordonnees(lieu) -> dict:
    return {
        "commune": lieu.ville,
        "code_postal": lieu.code_postal,
        "code_insee": CODE_INSEE_CARCASSONNE if lieu.ville.casefold() == "carcassonne" else None,
        "adresse": lieu.adresse or None,
        "longitude": float(lieu.longitude) if lieu.longitude is not None else None,
        "latitude": float(lieu.latitude) if lieu.latitude is not None else None,
    }


def export_v1(
    *,
    contact: Bureau | None,
    accueil: list[Permanence],
    fermetures: list[Fermeture],
    aujourd_hui: datetime.date,
    liens: Liens,
) -> dict:
    """`{"structures": [...], "services": [...]}`: the office, its service, and one service per walk-in place.

    `accueil`: the walk-in slots in force today; `fermetures`: the coming closures, written into the hours.
    """
    horaires = osm_opening_hours(accueil, fermetures)
    lieu = contact.lieu if contact else None
    telephone = contact.telephone_international if contact else None
    courriel = contact.email if contact else None
    structure = _sans_vide(
        {
            "source": SOURCE,
            "id": SOURCE,
            "nom": contact.nom if contact else "CitésLab Carcassonne",
            "date_maj": aujourd_hui.isoformat(),
            "description": DESCRIPTION,
            "lien_source": liens.site,
            "site_web": liens.site,
            **(_coordonnees(lieu) if lieu else {"commune": "Carcassonne", "code_postal": "11000"}),
            "code_insee": CODE_INSEE_CARCASSONNE,
            "telephone": telephone,
            "courriel": courriel,
            "horaires_accueil": horaires,
        }
    )
    service = _sans_vide(
        {
            "source": SOURCE,
            "structure_id": structure["id"],
            "id": f"{SOURCE}--accompagnement",
            "nom": "Accompagnement à l'émergence de projets de création d'entreprise",
            "description": DESCRIPTION_SERVICE,
            "lien_source": liens.site,
            "date_maj": structure["date_maj"],
            "type": TypeService.ACCOMPAGNEMENT.value,
            "thematiques": [t.value for t in THEMATIQUES],
            "frais": Frais.GRATUIT.value,
            "publics": [Public.RESIDENTS_QPV_FRR.value],
            "publics_precisions": (
                "En priorité les habitants des cinq quartiers prioritaires de Carcassonne, quelle que soit leur "
                "situation : demandeurs d'emploi, bénéficiaires du RSA, salariés, étudiants."
            ),
            "conditions_acces": "Aucune. Venir avec son idée, même pas encore claire.",
            **{k: structure.get(k) for k in ("commune", "code_postal", "code_insee", "adresse")},
            "longitude": structure.get("longitude"),
            "latitude": structure.get("latitude"),
            "telephone": telephone,
            "courriel": courriel,
            "modes_accueil": [ModeAccueil.EN_PRESENTIEL.value, ModeAccueil.A_DISTANCE.value],
            "zone_eligibilite": [CODE_INSEE_CARCASSONNE],
            "contact_nom_prenom": contact.responsable if contact else None,
            # The appointment page is the way in; walking in, calling and writing stay open.
            "lien_mobilisation": liens.rendez_vous,
            "modes_mobilisation": [
                ModeMobilisation.UTILISER_LIEN_MOBILISATION.value,
                ModeMobilisation.SE_PRESENTER.value,
                ModeMobilisation.TELEPHONER.value,
                ModeMobilisation.ENVOYER_UN_COURRIEL.value,
            ],
            "mobilisable_par": [PersonneMobilisatrice.USAGERS.value, PersonneMobilisatrice.PROFESSIONNELS.value],
            "mobilisation_precisions": (
                "Prendre rendez-vous en ligne, venir sans rendez-vous à une permanence, appeler ou écrire au chef "
                f"de projet, ou laisser ses coordonnées pour être rappelé : {liens.contact}"
            ),
            "horaires_accueil": horaires,
        }
    )
    # Each walk-in place is also a point of service of its own, with its address and hours.
    par_lieu: dict = {}
    for permanence in accueil:
        par_lieu.setdefault(permanence.lieu, []).append(permanence)
    services = [service]
    for lieu_permanence, slots in par_lieu.items():
        quartier = f", quartier {lieu_permanence.quartier}" if lieu_permanence.quartier else ""
        services.append(
            _sans_vide(
                {
                    **service,
                    "id": f"{SOURCE}--permanence-{lieu_permanence.pk}",
                    "nom": f"Permanence CitésLab – {lieu_permanence.nom}"[:150],
                    "description": (
                        f"Permanence sans rendez-vous du chef de projet CitésLab à {lieu_permanence.nom}{quartier}. "
                        + DESCRIPTION_SERVICE
                    ),
                    "modes_accueil": [ModeAccueil.EN_PRESENTIEL.value],
                    **_coordonnees(lieu_permanence),
                    "complement_adresse": lieu_permanence.nom,
                    "horaires_accueil": osm_opening_hours(slots, fermetures),
                }
            )
        )
    return {"structures": [structure], "services": services}
