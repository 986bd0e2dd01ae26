"""Personal data retention: people out of contact for too long are anonymised, keeping what reports count.

What stays: gender, year of birth (the age band at a year's end depends on it alone), quartier, situation,
source, sector, stages and every date. What goes: names, contacts, address, the idea, interview notes,
next steps, referral subjects, stage comments, and the same fields of their workshop registrations.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, F, Max, OuterRef, Q, Subquery
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


def a_anonymiser(le: datetime.date | None = None):
    """People whose last contact is older than the retention period on a given day (today by default)."""
    le = le or timezone.localdate()
    return avec_dernier_contact(Porteur.objects.filter(anonymise_le__isnull=True)).filter(
        dernier_contact__lt=le - duree_conservation()
    )


def bientot_anonymises(jours: int = 30):
    """People who will be anonymised within the next `jours` days unless they are contacted again."""
    today = timezone.localdate()
    deja = a_anonymiser(today).values("pk")
    return a_anonymiser(today + datetime.timedelta(days=jours)).exclude(pk__in=deja)


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


@transaction.atomic
def anonymiser_inscriptions(inscriptions) -> int:
    return inscriptions.update(prenom=ANONYME, nom="", telephone="", email=EMAIL_ANONYME)


def _anonymiser_historique(pks):
    """History rows hold past values too: they are erased the same way (see citeslab.history)."""
    for model, fields, key in [
        (Porteur, {"prenom": ANONYME, "nom": "", "telephone": "", "email": "", "adresse": "", "idee": ""}, "id"),
        (Suivi, {"notes": "", "prochaine_etape": ""}, "porteur_id"),
        (Orientation, {"objet": ""}, "porteur_id"),
        (Inscription, {"prenom": ANONYME, "nom": "", "telephone": "", "email": EMAIL_ANONYME}, "porteur_id"),
    ]:
        history = getattr(model, "history", None)
        if history is not None:
            history.filter(Q(**{f"{key}__in": pks})).update(**fields)
