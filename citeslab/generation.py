"""Deterministic synthetic activity for demos, the yearly report and benchmarks.

Everything comes from one random.Random(seed) and a Faker("fr_FR") seeded with it: the same seed on the
same day gives the same people, follow-ups, history, referrals and workshops. Names are Faker's random
combinations, phone numbers come from the ranges ARCEP reserves for fiction (01 99 00, 04 65 71) and
e-mails from example.org: nobody real can be reached through this data.

Proportions follow the press kit (46 % women; 41 % on a creation path, 28 % in emergence, 6 % back to
work) and the network's usual mix for the rest. Rows are written with bulk_create in batches, people
first (their ids come back from the insert), then everything that hangs off them.
"""

import bisect
import csv
import datetime
import io
import random
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from ateliers.models import Atelier, Inscription
from citeslab.seed import BUREAU, seed_carcassonne
from permanences.models import Lieu, Permanence, Quartier
from permanences.planning import jour_ferie
from porteurs.models import ChangementEtape, Etape, Orientation, Partenaire, Porteur, Suivi

DEBUT = datetime.date(2018, 1, 8)
BATCH_PEOPLE = 2_000
BATCH_ROWS = 5_000

G = Porteur.Genre
GENRES = [(G.FEMME, 46), (G.HOMME, 53), (G.NON_PRECISE, 1)]
QUARTIER_SHARE = 0.85

E = Etape
# Final stage of each person. Création + entreprise créée = 41 % (the press kit's "parcours de création").
ETAPES = [
    (E.CREATION, 29),
    (E.ENTREPRISE_CREEE, 12),
    (E.EMERGENCE, 28),
    (E.RETOUR_EMPLOI, 6),
    (E.FORMATION, 9),
    (E.SANS_SUITE, 16),
]

S = Porteur.Situation
SITUATIONS = [
    (S.DEMANDEUR_EMPLOI, 45),
    (S.RSA, 20),
    (S.SALARIE, 14),
    (S.ETUDIANT, 7),
    (S.INACTIF, 9),
    (S.AUTRE, 5),
]

SO = Porteur.Source
SOURCES = [
    (SO.PERMANENCE, 38),
    (SO.PARTENAIRE, 22),
    (SO.ATELIER, 14),
    (SO.BOUCHE_A_OREILLE, 14),
    (SO.SITE_WEB, 9),
    (SO.AUTRE, 3),
]

SE = Porteur.Secteur
SECTEURS = [
    (SE.COMMERCE, 18),
    (SE.RESTAURATION, 14),
    (SE.SERVICES_PERSONNES, 14),
    (SE.BEAUTE, 10),
    (SE.BATIMENT, 9),
    (SE.ARTISANAT, 8),
    (SE.TRANSPORT, 7),
    (SE.NUMERIQUE, 6),
    (SE.SERVICES_ENTREPRISES, 5),
    (SE.CULTURE, 4),
    (SE.AGRICULTURE, 2),
    (SE.AUTRE, 3),
]

IDEES = {
    SE.COMMERCE: ["Épicerie de quartier", "Vente de vêtements sur les marchés", "Boutique de produits du monde"],
    SE.RESTAURATION: ["Food truck", "Traiteur à domicile", "Snack près de la gare", "Pâtisserie orientale"],
    SE.SERVICES_PERSONNES: ["Aide à domicile", "Garde d'enfants", "Ménage et repassage", "Soutien scolaire"],
    SE.BEAUTE: ["Salon de coiffure", "Esthétique à domicile", "Onglerie"],
    SE.BATIMENT: ["Petits travaux de rénovation", "Peinture en bâtiment", "Plomberie"],
    SE.ARTISANAT: ["Couture et retouches", "Fabrication de bijoux", "Ébénisterie"],
    SE.TRANSPORT: ["Livraison à vélo", "VTC", "Déménagements"],
    SE.NUMERIQUE: ["Application mobile pour les associations", "Création de sites web", "Réparation de téléphones"],
    SE.SERVICES_ENTREPRISES: ["Secrétariat indépendant", "Nettoyage de bureaux", "Traduction"],
    SE.CULTURE: ["Atelier de peinture", "Photographe indépendant", "Cours de musique"],
    SE.AGRICULTURE: ["Maraîchage bio", "Apiculture"],
    SE.AUTRE: ["Projet à préciser"],
}

ST = Suivi.Type
TYPES_SUIVI = [(ST.ENTRETIEN, 50), (ST.TELEPHONE, 25), (ST.EMAIL, 10), (ST.ATELIER, 10), (ST.VISITE, 5)]
DUREES = {
    ST.ENTRETIEN: (30, 90),
    ST.TELEPHONE: (10, 25),
    ST.EMAIL: (5, 15),
    ST.ATELIER: (120, 180),
    ST.VISITE: (45, 120),
}
NOTES = [
    "Présentation du dispositif et de l'accompagnement.",
    "Point sur l'idée et le public visé.",
    "Travail sur l'étude de marché.",
    "Premiers chiffres : charges, chiffre d'affaires attendu.",
    "Questions sur le statut juridique (micro-entreprise, société).",
    "Recherche de local en cours.",
    "Point sur les aides possibles (ACRE, prêt d'honneur).",
    "Préparation du rendez-vous avec le partenaire.",
    "Retour sur l'atelier Émergence.",
    "Relecture du plan de financement.",
    "La personne hésite entre création et emploi salarié.",
    "Démarches administratives en cours.",
]
PROCHAINES_ETAPES = [
    "Compléter l'étude de marché",
    "Prendre rendez-vous avec le partenaire",
    "Rassembler les devis",
    "Revenir avec le prévisionnel",
    "Participer au prochain atelier Émergence",
    "",
    "",
]

# Who each final stage is referred to (partners by their sigle in the seed).
ORIENTATIONS = {
    E.CREATION: ["ADIE", "ICC", "BGE", "CCI", "CMA", "AIRDIE", "CAE"],
    E.ENTREPRISE_CREEE: ["ADIE", "ICC", "BGE", "CCI", "CMA", "AIRDIE"],
    E.EMERGENCE: ["BGE", "CAE", "Mission Locale"],
    E.RETOUR_EMPLOI: ["France Travail", "Mission Locale"],
    E.FORMATION: ["France Travail", "Mission Locale", "CCI", "CMA"],
    E.SANS_SUITE: ["France Travail"],
}
OBJETS = {
    "ADIE": "Demande de microcrédit",
    "ICC": "Prêt d'honneur",
    "BGE": "Accompagnement au montage du projet",
    "CCI": "Stage de préparation à l'installation",
    "CMA": "Immatriculation et formation artisan",
    "AIRDIE": "Garantie bancaire",
    "CAE": "Test d'activité en coopérative",
    "France Travail": "Aide à la création (ARCE) ou retour à l'emploi",
    "Mission Locale": "Accompagnement jeune",
}
R = Orientation.Resultat

A = Atelier.Theme
THEMES = [(A.EMERGENCE, 70), (A.FEMININ, 10), (A.SENSIBILISATION, 10), (A.SCOLAIRE, 5), (A.THEMATIQUE, 5)]
TITRES = {
    A.EMERGENCE: ["Atelier Émergence : de l'idée au projet", "Atelier Émergence : tester son idée"],
    A.FEMININ: ["Entreprendre au féminin"],
    A.SENSIBILISATION: ["Créer son entreprise : par où commencer ?", "Les aides à la création"],
    A.SCOLAIRE: ["Intervention au collège : l'esprit d'entreprendre", "Intervention au lycée : créer son emploi"],
    A.THEMATIQUE: ["Micro-entreprise : mode d'emploi", "Financer son projet", "Trouver ses premiers clients"],
}


def _inserer(model, lignes: list[dict]):
    """Rows given as {attname: value}: COPY on PostgreSQL, bulk_create elsewhere.

    A million follow-ups built as model instances and sent through bulk_create spend most of their time in
    Model.__init__, parameter preparation and parsing INSERT statements; COPY streams the values as they are.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**ligne) for ligne in lignes], batch_size=BATCH_ROWS)
        return
    champs = [f for f in model._meta.concrete_fields if not f.primary_key]
    maintenant = timezone.now()
    # What the model would fill in: auto_now(_add) dates, defaults ("" for text, None for optional links).
    defauts = {
        f.attname: maintenant
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
        else f.get_default()
        for f in champs
    }
    attnames = [f.attname for f in champs]
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon)
    for ligne in lignes:
        valeurs = (ligne[a] if a in ligne else defauts[a] for a in attnames)
        ecrivain.writerow(["\\N" if v is None else v for v in valeurs])
    tampon.seek(0)
    table = connection.ops.quote_name(model._meta.db_table)
    colonnes = ", ".join(connection.ops.quote_name(f.column) for f in champs)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({colonnes}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", tampon)


def _weighted(rng, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


def _ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "-")


def _add_days(day, n, today):
    return min(day + datetime.timedelta(days=n), today)


@dataclass
class Bilan:
    porteurs: int = 0
    suivis: int = 0
    changements: int = 0
    orientations: int = 0
    ateliers: int = 0
    inscriptions: int = 0
    etapes: Counter = field(default_factory=Counter)
    femmes: int = 0
    en_qpv: int = 0


class Generateur:
    def __init__(self, *, seed: int, today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.today = today or timezone.localdate()
        self.bilan = Bilan()

    def _reference(self):
        seed_carcassonne()  # idempotent: the quartiers, places, slots and partners must exist
        self.quartiers = list(Quartier.objects.order_by("pk"))
        lieux = list(Lieu.objects.order_by("pk"))
        self.bureau = next(lieu for lieu in lieux if lieu.nom == BUREAU)
        self.lieux_par_quartier = {}
        for lieu in lieux:
            self.lieux_par_quartier.setdefault(lieu.quartier_id, []).append(lieu)
        self.permanences = list(Permanence.objects.accueil().order_by("pk"))
        self.partenaires = {p.sigle: p for p in Partenaire.objects.all()}
        self.lieux = lieux

    def run(self, *, people: int, suivi: Callable[[int], object] | None = None) -> Bilan:
        """`suivi(n)` is told of each batch of n people written, with what hangs off them (a progress bar)."""
        self._reference()
        with transaction.atomic():
            ateliers = self._ateliers(people)
            done = 0
            while done < people:
                n = min(BATCH_PEOPLE, people - done)
                self._batch(n, ateliers)
                done += n
                if suivi:
                    suivi(n)
        return self.bilan

    # Workshops: the two weekly "Ateliers Émergence" slots and the other themes now and then.

    def _ateliers(self, people):
        rng = self.rng
        count = max(6, min(people // 8, 2_500)) if people else 0
        span = (self.today - DEBUT).days + 60  # a few are still to come
        tz = timezone.get_current_timezone()
        ateliers = []
        for _ in range(count):
            theme = _weighted(rng, THEMES)
            day = DEBUT + datetime.timedelta(days=rng.randrange(span))
            if theme == A.EMERGENCE:
                # Wednesday afternoon or Thursday morning, as in the press kit's table.
                wednesday = day - datetime.timedelta(days=(day.weekday() - 2) % 7)
                day, hour = (wednesday, 14) if rng.random() < 0.5 else (wednesday + datetime.timedelta(days=1), 9)
            else:
                day -= datetime.timedelta(days=max(0, day.weekday() - 4))
                hour = rng.choice([9, 14])
            debut = datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)
            futur = day > self.today
            ateliers.append(
                Atelier(
                    titre=rng.choice(TITRES[theme]),
                    theme=theme,
                    debut=debut,
                    fin=debut + datetime.timedelta(hours=3 if theme != A.SCOLAIRE else 2),
                    lieu=self.bureau if theme == A.EMERGENCE else rng.choice(self.lieux),
                    capacite=rng.choice([8, 10, 12, 12, 15]),
                    public=theme != A.SCOLAIRE,
                    inscriptions_ouvertes=futur,
                )
            )
        if people:
            ateliers += self._agenda(tz)
        ateliers = Atelier.objects.bulk_create(ateliers, batch_size=BATCH_ROWS)
        self.bilan.ateliers += len(ateliers)
        ateliers.sort(key=lambda a: a.debut)
        # Places taken so far, so that no workshop confirms more people than its capacity.
        self.places = {a.pk: 0 for a in ateliers}
        self.jours_ateliers = [timezone.localtime(a.debut).date() for a in ateliers]
        return ateliers

    def _agenda(self, tz):
        """The coming six weeks of the press kit's weekly slots, so a demo shows what a resident can book."""
        agenda = []
        for week in range(6):
            monday = self.today - datetime.timedelta(days=self.today.weekday()) + datetime.timedelta(weeks=week)
            for offset, hour in [(2, 14), (3, 9)]:  # Wednesday afternoon, Thursday morning
                day = monday + datetime.timedelta(days=offset)
                if day <= self.today or jour_ferie(day):
                    continue
                debut = datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)
                agenda.append(
                    Atelier(
                        titre=self.rng.choice(TITRES[A.EMERGENCE]),
                        theme=A.EMERGENCE,
                        debut=debut,
                        fin=debut + datetime.timedelta(hours=3),
                        lieu=self.bureau,
                        capacite=12,
                        public=True,
                        inscriptions_ouvertes=True,
                    )
                )
        return agenda

    def _batch(self, n, ateliers):
        rng, fake, today = self.rng, self.fake, self.today
        span = (today - DEBUT).days
        porteurs, finals = [], []
        for _ in range(n):
            genre = _weighted(rng, GENRES)
            prenom = fake.first_name_female() if genre == G.FEMME else fake.first_name_male()
            nom = fake.last_name()
            premier = DEBUT + datetime.timedelta(days=rng.randrange(span + 1))
            age = min(65, max(18, int(rng.triangular(18, 66, 32))))
            naissance = premier - datetime.timedelta(days=age * 365 + rng.randrange(365))
            secteur = _weighted(rng, SECTEURS)
            telephone = ""
            if rng.random() < 0.93:
                prefixe = rng.choice(["01 99 00", "04 65 71"])
                telephone = f"{prefixe} {rng.randrange(100):02d} {rng.randrange(100):02d}"
            email = ""
            if not telephone or rng.random() < 0.6:
                email = f"{_ascii(prenom)}.{_ascii(nom)}{rng.randrange(1000)}@example.org"
            quartier = rng.choice(self.quartiers) if rng.random() < QUARTIER_SHARE else None
            porteurs.append(
                Porteur(
                    prenom=prenom,
                    nom=nom,
                    telephone=telephone,
                    email=email,
                    quartier=quartier,
                    genre=genre,
                    idee=rng.choice(IDEES[secteur]),
                    date_naissance=naissance,
                    situation=_weighted(rng, SITUATIONS),
                    secteur=secteur,
                    source=_weighted(rng, SOURCES),
                    date_premier_contact=premier,
                    consentement_le=datetime.datetime.combine(premier, datetime.time(10), tzinfo=datetime.UTC),
                )
            )
            finals.append(_weighted(rng, ETAPES))

        historique, suivis, orientations, inscriptions, plans = [], [], [], [], []
        for porteur, final in zip(porteurs, finals, strict=True):
            parcours = self._parcours(porteur.date_premier_contact, final)
            porteur.etape = parcours[-1][0]
            fin_accompagnement = parcours[-1][1]
            dates = self._dates_suivis(porteur.date_premier_contact, fin_accompagnement)
            relance = None
            # A few people are waiting for a call back: those followed recently, some already overdue.
            if (today - dates[-1]).days < 120 and porteur.etape in (E.EMERGENCE, E.CREATION) and rng.random() < 0.7:
                relance = dates[-1] + datetime.timedelta(days=rng.randrange(7, 45))
            porteur.relance_le = relance
            plans.append((parcours, dates, relance))

        Porteur.objects.bulk_create(porteurs, batch_size=BATCH_ROWS)

        for porteur, (parcours, dates, relance) in zip(porteurs, plans, strict=True):
            for etape, date in parcours:
                historique.append({"porteur_id": porteur.pk, "etape": etape, "date": date})
            lieux = self.lieux_par_quartier.get(porteur.quartier_id, [self.bureau])
            for i, date in enumerate(dates):
                type_ = ST.ENTRETIEN if i == 0 else _weighted(rng, TYPES_SUIVI)
                low, high = DUREES[type_]
                sur_place = type_ in (ST.ENTRETIEN, ST.VISITE, ST.ATELIER)
                suivis.append(
                    {
                        "porteur_id": porteur.pk,
                        "date": date,
                        "type": type_,
                        "lieu_id": rng.choice(lieux).pk if sur_place else None,
                        "duree_minutes": rng.randrange(low, high + 1, 5),
                        "notes": rng.choice(NOTES),
                        "prochaine_etape": rng.choice(PROCHAINES_ETAPES),
                        "relance_le": relance if i == len(dates) - 1 else None,
                    }
                )
            orientations.extend(self._orientations(porteur, parcours))
            inscriptions.extend(self._inscriptions(porteur, ateliers))

        _inserer(ChangementEtape, historique)
        _inserer(Suivi, suivis)
        _inserer(Orientation, orientations)
        Inscription.objects.bulk_create(inscriptions, batch_size=BATCH_ROWS)

        b = self.bilan
        b.porteurs += len(porteurs)
        b.changements += len(historique)
        b.suivis += len(suivis)
        b.orientations += len(orientations)
        b.inscriptions += len(inscriptions)
        b.etapes.update(p.etape for p in porteurs)
        b.femmes += sum(p.genre == G.FEMME for p in porteurs)
        b.en_qpv += sum(p.quartier_id is not None for p in porteurs)

    def _parcours(self, premier, final):
        """The dated stages from the first contact to the final stage (never after today)."""
        rng, today = self.rng, self.today
        parcours = [(E.EMERGENCE, premier)]
        day = premier
        if final == E.EMERGENCE:
            return parcours
        steps = [E.CREATION, E.ENTREPRISE_CREEE] if final == E.ENTREPRISE_CREEE else [final]
        if final in (E.SANS_SUITE, E.FORMATION) and rng.random() < 0.25:
            steps = [E.CREATION, final]  # started, then stopped or went to train first
        for etape in steps:
            day = _add_days(day, rng.randrange(20, 240), today)
            parcours.append((etape, day))
        return parcours

    def _dates_suivis(self, premier, fin):
        """About ten follow-ups per person on average, the first on the day of the first contact."""
        rng, today = self.rng, self.today
        n = max(1, min(60, round(rng.gammavariate(2.0, 5.0))))
        end = max(fin, _add_days(premier, rng.randrange(30, 540), today))
        span = (end - premier).days
        dates = [premier] + sorted(premier + datetime.timedelta(days=rng.randrange(span + 1)) for _ in range(n - 1))
        return dates

    def _orientations(self, porteur, parcours):
        rng = self.rng
        if rng.random() > (0.75 if porteur.etape != E.EMERGENCE else 0.2):
            return []
        rows = []
        for _ in range(1 if rng.random() < 0.7 else 2):
            sigle = rng.choice(ORIENTATIONS[porteur.etape])
            partenaire = self.partenaires.get(sigle)
            if partenaire is None:
                continue
            date = _add_days(parcours[0][1], rng.randrange(15, 200), self.today)
            recent = (self.today - date).days < 45
            resultat = R.EN_ATTENTE if recent else _weighted(rng, [(R.PRIS_EN_CHARGE, 75), (R.SANS_SUITE, 25)])
            rows.append(
                {
                    "porteur_id": porteur.pk,
                    "partenaire_id": partenaire.pk,
                    "date": date,
                    "objet": OBJETS[sigle],
                    "resultat": resultat,
                }
            )
        return rows

    def _inscriptions(self, porteur, ateliers):
        """People who came through a workshop, and some others, registered to one around their first contact."""
        rng = self.rng
        if porteur.source != SO.ATELIER and rng.random() > 0.25:
            return []
        i = bisect.bisect_left(self.jours_ateliers, porteur.date_premier_contact)
        if i >= len(ateliers):
            return []
        atelier = ateliers[min(len(ateliers) - 1, i + rng.randrange(3))]
        if atelier.theme == A.SCOLAIRE:
            return []
        passe = timezone.localtime(atelier.debut).date() <= self.today
        if self.places[atelier.pk] < atelier.capacite:
            self.places[atelier.pk] += 1
            statut = Inscription.Statut.CONFIRMEE
            present = (rng.random() < 0.8) if passe else None
        else:
            statut, present = Inscription.Statut.ATTENTE, None
        return [
            Inscription(
                atelier=atelier,
                prenom=porteur.prenom,
                nom=porteur.nom,
                telephone=porteur.telephone,
                email=porteur.email,
                quartier_id=porteur.quartier_id,
                statut=statut,
                present=present,
                porteur_id=porteur.pk,
            )
        ]
