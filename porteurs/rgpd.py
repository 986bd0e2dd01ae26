"""Personal data retention: people out of contact for too long are anonymised, keeping what reports count.

What stays: gender, year of birth (the age band at a year's end depends on it alone), quartier, situation,
source, sector, stages and every date. What goes: names, contacts, address, the idea, interview notes,
next steps, referral subjects, stage comments, and the same fields of their workshop registrations.
"""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import DateField, F, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncYear
from django.utils import timezone

from ateliers.models import Inscription
from porteurs.models import ChangementEtape, Orientation, Porteur, Suivi

ANONYME = "Anonyme"
EMAIL_ANONYME = "anonyme@anonyme.invalid"  # registrations need a contact; .invalid is reserved (RFC 2606)


def duree_conservation() -> datetime.timedelta:
    return datetime.timedelta(days=settings.RGPD_DUREE_CONSERVATION_JOURS)


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


def inscriptions_a_anonymiser(le: datetime.date | None = None):
    le = le or timezone.localdate()
    limite = timezone.make_aware(datetime.datetime.combine(le - duree_conservation(), datetime.time.min))
    return Inscription.objects.filter(atelier__fin__lt=limite).exclude(prenom=ANONYME, email=EMAIL_ANONYME)


@transaction.atomic
def anonymiser(porteurs) -> int:
    """Anonymise the given people (a queryset or a list of primary keys), at once, in every table."""
    pks = list(porteurs.values_list("pk", flat=True)) if hasattr(porteurs, "values_list") else list(porteurs)
    if not pks:
        return 0
    now = timezone.now()
    for start in range(0, len(pks), 5000):
        batch = pks[start : start + 5000]
        people = Porteur.objects.filter(pk__in=batch)
        people.update(
            date_naissance=TruncYear("date_naissance"),  # the year of birth stays, day and month go
            prenom=ANONYME,
            nom="",
            telephone="",
            email="",
            adresse="",
            idee="",
            relance_le=None,
            anonymise_le=now,
        )
        Suivi.objects.filter(porteur__in=batch).update(notes="", prochaine_etape="")
        Orientation.objects.filter(porteur__in=batch).update(objet="")
        ChangementEtape.objects.filter(porteur__in=batch).update(commentaire="")
        Inscription.objects.filter(porteur__in=batch).update(prenom=ANONYME, nom="", telephone="", email=EMAIL_ANONYME)
        _anonymiser_historique(batch)
    return len(pks)


INSCRIPTION_ANONYME = {"prenom": ANONYME, "nom": "", "telephone": "", "email": EMAIL_ANONYME}


@transaction.atomic
def anonymiser_inscriptions(inscriptions) -> int:
    pks = list(inscriptions.values_list("pk", flat=True))
    for start in range(0, len(pks), 5000):
        batch = pks[start : start + 5000]
        Inscription.objects.filter(pk__in=batch).update(**INSCRIPTION_ANONYME)
        # Earlier versions of the registration hold the same name and contact.
        Inscription.history.filter(id__in=batch).update(**INSCRIPTION_ANONYME)
    return len(pks)


def _anonymiser_historique(pks):
    """History rows hold past values too: they are erased the same way (see citeslab.history)."""
    for model, fields, key in [
        (Porteur, {"prenom": ANONYME, "nom": "", "telephone": "", "email": "", "adresse": "", "idee": ""}, "id"),
        (Suivi, {"notes": "", "prochaine_etape": ""}, "porteur_id"),
        (Orientation, {"objet": ""}, "porteur_id"),
    ]:
        history = getattr(model, "history", None)
        if history is not None:
            history.filter(Q(**{f"{key}__in": pks})).update(**fields)
    # A registration's older versions may predate its link to the person: found by the registration's id.
    Inscription.history.filter(id__in=Inscription.objects.filter(porteur__in=pks).values("pk")).update(
        **INSCRIPTION_ANONYME
    )


# Subject access (droit d'accès): everything held about a person, in one document


DROIT_D_ACCES_MAX = 10  # people in one subject-access file

HISTORY_TYPES = {"+": "création", "~": "modification", "-": "suppression"}


def _valeurs(obj, exclude=()):
    """The row's fields, as a person would read them: labels of choices, names of related rows."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        if field.is_relation:
            # Related rows are select_related by the caller: str() costs no query.
            values[field.name] = str(getattr(obj, field.name)) if getattr(obj, field.attname) is not None else None
        elif field.choices:
            values[field.name] = getattr(obj, f"get_{field.name}_display")()
        else:
            values[field.name] = getattr(obj, field.attname)
    return values


def _historique(model, key, pks, par_id=None):
    """History rows of a model for these people, grouped by person; one query per model.

    `par_id`: current rows whose every version belongs to their person, even versions from before the link.
    """
    history = getattr(model, "history", None)
    if history is None:
        return {}
    tracked = {f.attname for f in model._meta.concrete_fields} | {"id"}
    rows = history.filter(**{f"{key}__in": pks})
    owner = {}
    if par_id is not None:
        owner = dict(par_id.values_list("pk", key))
        rows = history.filter(Q(**{f"{key}__in": pks}) | Q(id__in=list(owner)))
    grouped = {}
    for row in rows.select_related("history_user").order_by("history_date"):
        grouped.setdefault(owner.get(row.id, getattr(row, key)), []).append(
            {
                "date": row.history_date,
                "type": HISTORY_TYPES.get(row.history_type, row.history_type),
                "par": row.history_user.get_username() if row.history_user_id else None,
                "valeurs": {
                    f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname in tracked
                },
            }
        )
    return grouped


def donnees_personnelles(porteurs) -> list[dict]:
    """Everything held about each person: identity, follow-ups with notes, referrals, stages, registrations,
    and the history rows of each. A fixed number of queries, whatever the number of people or rows."""
    people = list(
        (porteurs if hasattr(porteurs, "model") else Porteur.objects.filter(pk__in=porteurs))
        .select_related("quartier")
        .prefetch_related(
            Prefetch("suivis", Suivi.objects.select_related("lieu", "permanence", "auteur").order_by("date", "pk")),
            Prefetch("orientations", Orientation.objects.select_related("partenaire").order_by("date", "pk")),
            Prefetch("changements_etape", ChangementEtape.objects.select_related("auteur").order_by("date", "pk")),
            Prefetch("inscriptions", Inscription.objects.select_related("atelier", "quartier").order_by("pk")),
        )
        .order_by("pk")
    )
    pks = [p.pk for p in people]
    histories = {
        "porteur": _historique(Porteur, "id", pks),
        "suivis": _historique(Suivi, "porteur_id", pks),
        "orientations": _historique(Orientation, "porteur_id", pks),
        "inscriptions": _historique(
            Inscription, "porteur_id", pks, par_id=Inscription.objects.filter(porteur__in=pks)
        ),
    }
    return [
        {
            "identifiant": person.pk,
            "identite_et_situation": _valeurs(person),
            "suivis": [_valeurs(s, exclude=("porteur",)) for s in person.suivis.all()],
            "orientations": [_valeurs(o, exclude=("porteur",)) for o in person.orientations.all()],
            "etapes": [_valeurs(c, exclude=("porteur",)) for c in person.changements_etape.all()],
            "inscriptions_aux_ateliers": [_valeurs(i, exclude=("porteur",)) for i in person.inscriptions.all()],
            "historique_des_modifications": {
                part: by_person.get(person.pk, []) for part, by_person in histories.items()
            },
        }
        for person in people
    ]


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
