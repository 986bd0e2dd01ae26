"""The office described for machines: schema.org (JSON-LD in the pages) with its walk-in hours and places."""

from django.urls import reverse

from permanences.models import Permanence
from permanences.opening_hours import schema_org_opening_hours

DESCRIPTION = (
    "Le CitésLab aide les habitants des quartiers prioritaires de Carcassonne à transformer une idée "
    "d'entreprise en projet : formuler l'idée, sécuriser le parcours de création et trouver le bon partenaire. "
    "Gratuit, sans rendez-vous pendant les permanences."
)


def adresse_schema(lieu) -> dict:
    return {
        "@type": "PostalAddress",
        "streetAddress": lieu.adresse or lieu.nom,
        "postalCode": lieu.code_postal,
        "addressLocality": lieu.ville,
        "addressCountry": "FR",
    }


def schema_bureau(request, contact, permanences) -> dict:
    """schema.org description of the office: contact, address and walk-in hours, with each place."""
    accueil = [p for p in permanences if p.type == Permanence.Type.ACCUEIL]
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOffice",
        "name": contact.nom if contact else "CitésLab Carcassonne",
        "description": DESCRIPTION,
        "url": request.build_absolute_uri(reverse("accueil")),
        "areaServed": {"@type": "City", "name": "Carcassonne"},
        "openingHoursSpecification": schema_org_opening_hours(accueil),
        "isAccessibleForFree": True,
    }
    if contact:
        data.update(
            {
                "telephone": contact.telephone_international,
                "email": contact.email,
                "address": adresse_schema(contact.lieu),
                "parentOrganization": {"@type": "GovernmentOrganization", "name": contact.structure_porteuse},
                "employee": {"@type": "Person", "name": contact.responsable, "jobTitle": contact.fonction},
            }
        )
    lieux = {}
    for permanence in accueil:
        lieux.setdefault(permanence.lieu, []).append(permanence)
    data["location"] = [
        {
            "@type": "Place",
            "name": lieu.nom,
            "address": adresse_schema(lieu),
            "hasMap": lieu.lien_carte,
            "openingHoursSpecification": schema_org_opening_hours(slots),
        }
        for lieu, slots in lieux.items()
    ]
    return data
