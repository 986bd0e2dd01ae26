"""Personal data of people and their path: retention, erasure and subject access.

What stays: gender, year of birth (the age band at a year's end depends on it alone), quartier, situation,
source, sector, stages and every date. What goes: names, contacts, address, the idea, interview notes,
next steps, referral subjects, stage comments — and whatever other apps declare about the person in the
registry of citeslab.core.donnees_personnelles (workshop registrations, for instance).
"""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import DateField, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncYear
from django.db.models.signals import post_delete, pre_delete
from django.utils import timezone

from citeslab.core.donnees_personnelles import (
    ANONYME,
    Declaration,
    Purge,
    duree_conservation,
    effacer_du_journal,
    par_lots,
    registre,
)
from porteurs.models import ChangementEtape, Orientation, Partenaire, Porteur, Suivi


def _latest(model, field, porteur_field="porteur"):
    return Subquery(
        model.objects.filter(**{porteur_field: OuterRef("pk")})
        .order_by()
        .values(porteur_field)
        .annotate(m=Max(field))
        .values("m")[:1],
        output_field=DateField(),
    )


def avec_dernier_contact(queryset=None):
    """Annotate `dernier_contact`: the latest of first contact, follow-ups and referrals."""
    queryset = Porteur.objects.all() if queryset is None else queryset
    first = F("date_premier_contact")
    return queryset.annotate(
        dernier_contact=Greatest(
            first,
            Coalesce(_latest(Suivi, "date"), first),
            Coalesce(_latest(Orientation, "date"), first),
            output_field=DateField(),
        )
    )


ANS = {1: "un an", 2: "deux ans", 3: "trois ans", 4: "quatre ans", 5: "cinq ans"}


def duree_conservation_texte() -> str:
    """The retention period as the personal-data page says it ("deux ans"), from the setting the purge uses."""
    jours = settings.RGPD_DUREE_CONSERVATION_JOURS
    if jours % 365 == 0 and jours // 365 in ANS:
        return ANS[jours // 365]
    return f"{jours} jours"


def a_anonymiser(le: datetime.date | None = None):
    """People whose last contact is older than the retention period on a given day (today by default)."""
    le = le or timezone.localdate()
    limite = le - duree_conservation()
    # The last contact is never before the first: the index on the first contact drops recent people
    # before any per-person subquery runs.
    return avec_dernier_contact(
        Porteur.objects.filter(anonymise_le__isnull=True, date_premier_contact__lt=limite)
    ).filter(dernier_contact__lt=limite)


def bientot_anonymises(jours: int = 30):
    """People who will be anonymised within the next `jours` days unless they are contacted again."""
    debut = timezone.localdate() - duree_conservation()
    fin = debut + datetime.timedelta(days=jours)

    def contacts(model, **dates):
        return model.objects.filter(**dates).values("porteur_id")

    # Last contact in [debut, fin): due by then, not due today. Uncorrelated IN lists, which PostgreSQL hashes
    # once, rather than a per-person latest contact: the chef de projet's dashboard counts this on each view
    # (on 100 000 people and a million follow-ups: 0.4 s this way, 1.7 s with the per-person subqueries).
    return (
        Porteur.objects.filter(anonymise_le__isnull=True, date_premier_contact__lt=fin)
        .exclude(pk__in=contacts(Suivi, date__gte=fin))
        .exclude(pk__in=contacts(Orientation, date__gte=fin))
        .filter(
            Q(date_premier_contact__gte=debut)
            | Q(pk__in=contacts(Suivi, date__gte=debut, date__lt=fin))
            | Q(pk__in=contacts(Orientation, date__gte=debut, date__lt=fin))
        )
    )


PERSONNE = Declaration(
    modele=Porteur,
    cle="id",
    effacer={
        "prenom": ANONYME,
        "nom": "",
        "telephone": "",
        "email": "",
        "adresse": "",
        "idee": "",
        "date_naissance": TruncYear("date_naissance"),  # the year of birth stays, day and month go
        "relance_le": None,
    },
    conserver=("genre", "quartier", "situation", "secteur", "source", "date_premier_contact", "consentement_le"),
    section="identite_et_situation",
    section_historique="porteur",
    avec=("quartier",),
)
SUIVIS = Declaration(
    modele=Suivi,
    cle="porteur_id",
    effacer={"notes": "", "prochaine_etape": ""},
    section="suivis",
    section_historique="suivis",
    ordre=("date", "pk"),
    avec=("lieu", "permanence", "auteur"),
)
ORIENTATIONS = Declaration(
    modele=Orientation,
    cle="porteur_id",
    effacer={"objet": ""},
    section="orientations",
    section_historique="orientations",
    ordre=("date", "pk"),
    avec=("partenaire",),
)
ETAPES = Declaration(
    modele=ChangementEtape,
    cle="porteur_id",
    effacer={"commentaire": ""},
    section="etapes",
    ordre=("date", "pk"),
    avec=("auteur",),
)


def declarer() -> None:
    registre.declarer(PERSONNE, SUIVIS, ORIENTATIONS, ETAPES)
    pre_delete.connect(_avant_suppression, sender=Porteur, dispatch_uid="porteurs-rgpd-avant-suppression")
    post_delete.connect(_apres_suppression, sender=Porteur, dispatch_uid="porteurs-rgpd-apres-suppression")
    registre.declarer_donnees_publiques(
        Partenaire, ("nom", "description", "site_web"), "une structure du réseau partenaire"
    )
    registre.declarer_purge(Purge(libelle="porteur(s)", a_purger=a_anonymiser, executer=anonymiser))
    registre.declarer_purge(
        Purge(libelle="fiche(s) supprimée(s) encore dans l'historique", a_purger=supprimes, executer=effacer_supprimes)
    )


@transaction.atomic
def anonymiser(porteurs) -> int:
    """Anonymise the given people (a queryset or a list of primary keys), at once, in every app's tables."""
    pks = list(porteurs.values_list("pk", flat=True)) if hasattr(porteurs, "values_list") else list(porteurs)
    now = timezone.now()
    for lot in par_lots(pks):
        for declaration in registre.declarations:
            declaration.effacer_pour(lot)
        Porteur.objects.filter(pk__in=lot).update(anonymise_le=now)
    return len(pks)


def _avant_suppression(sender, instance, **kwargs):
    # Rows that outlive the person (registrations keep their own copy of the name) are erased first.
    anonymiser([instance.pk])


def _apres_suppression(sender, instance, **kwargs):
    # Deleting writes a last version of each deleted row, copied from memory with the name and the notes in it,
    # and the admin logged the deletion under the person's name: both are erased once the rows are gone.
    effacer_historiques([instance.pk])
    effacer_du_journal(Porteur, [instance.pk])


def effacer_historiques(pks: list) -> None:
    for declaration in registre.declarations:
        declaration.effacer_historique(pks)


def supprimes():
    """People deleted with traces left in the history (by a release older than the deletion rule)."""
    return (
        Porteur.history.exclude(id__in=Porteur.objects.values("pk"))
        .exclude(prenom=ANONYME, nom="", telephone="", email="")
        .values("id")
        .distinct()
    )


def effacer_supprimes(queryset) -> int:
    pks = [row["id"] for row in queryset]
    for lot in par_lots(pks):
        effacer_historiques(lot)
        effacer_du_journal(Porteur, lot)
    return len(pks)


# Subject access (droit d'accès): everything held about a person, in one document

DROIT_D_ACCES_MAX = 10  # people in one subject-access file


def donnees_personnelles(porteurs) -> list[dict]:
    """Everything held about each person, asked of every declaration: identity, follow-ups with notes,
    referrals, stages, registrations, and the history rows of each. Two queries per declaration at most,
    whatever the number of people or rows."""
    pks = list(
        (porteurs if hasattr(porteurs, "model") else Porteur.objects.filter(pk__in=porteurs))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sections = [(d, d.exporter(pks)) for d in registre.declarations]
    historiques = [(d, d.exporter_historique(pks)) for d in registre.declarations if d.section_historique]
    personnes = []
    for pk in pks:
        personne = {"identifiant": pk}
        for declaration, par_personne in sections:
            lignes = par_personne.get(pk, [])
            personne[declaration.section] = lignes[0] if declaration.est_la_personne else lignes
        personne["historique_des_modifications"] = {
            d.section_historique: par_personne.get(pk, []) for d, par_personne in historiques
        }
        personnes.append(personne)
    return personnes


def export_droit_d_acces(porteurs) -> tuple[bytes, int]:
    """The JSON document handed to the person, and how many people it covers."""
    personnes = donnees_personnelles(porteurs)
    document = {
        "responsable_du_traitement": "Carcassonne Agglo — CitésLab Carcassonne",
        "exporte_le": timezone.now(),
        "duree_de_conservation_jours": settings.RGPD_DUREE_CONSERVATION_JOURS,
        "personnes": personnes,
    }
    content = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return content.encode(), len(personnes)
