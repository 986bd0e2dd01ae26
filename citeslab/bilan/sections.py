"""The yearly report (bilan annuel): composes what each app can say about a year, beside the previous year.

`Statistiques` asks each app's stats module once, for both years (each answer is one query, none loops over
people); each section below turns what it needs into one `Tableau`. Aggregates only: no table holds a name or
a note.
"""

from collections.abc import Callable
from decimal import Decimal
from functools import cached_property

from ateliers.models import Atelier
from ateliers.stats import ateliers_par_theme
from citeslab.bilan.donnees import DECIMAL, ENTIER, EUROS, POURCENT, TEXTE, Bilan, Colonne, Tableau, part
from financement.stats import conventions_couvrant, financement_par_financeur
from permanences.models import HORS_QPV, Quartier
from permanences.stats import permanences_tenues
from porteurs import stats as porteurs_stats
from porteurs.models import Etape, Orientation, Porteur, Suivi
from rendezvous.models import RendezVous
from rendezvous.stats import rendez_vous_par_statut

NON_RENSEIGNE = "Non renseigné"


class Statistiques:
    """The figures of a year and of the year before, each read on first use and kept."""

    def __init__(self, annee: int):
        self.annee = annee
        self.annees = [annee - 1, annee]

    @cached_property
    def effectifs(self):
        return porteurs_stats.effectifs(self.annees)

    @cached_property
    def accompagnes(self) -> dict[int, int]:
        return {a: self.effectifs[a]["accompagnes"] for a in self.annees}

    @cached_property
    def par_champ(self):
        return porteurs_stats.repartitions(["genre", "quartier__nom", "situation", "source"], self.annees)

    @cached_property
    def ages(self):
        return porteurs_stats.tranches_age(self.annees)

    @cached_property
    def etapes(self):
        return {a: porteurs_stats.etapes_fin_annee(a) for a in self.annees}

    @cached_property
    def creees(self):
        return porteurs_stats.entreprises_creees(self.annees)

    @cached_property
    def suivis(self):
        return porteurs_stats.suivis_par_type(self.annees)

    @cached_property
    def par_partenaire(self):
        return porteurs_stats.orientations_par("partenaire__nom", self.annees)

    @cached_property
    def par_resultat(self):
        return porteurs_stats.orientations_par("resultat", self.annees)

    @cached_property
    def ateliers(self):
        return ateliers_par_theme(self.annees)

    @cached_property
    def permanences(self):
        return permanences_tenues(self.annees)

    @cached_property
    def rendez_vous(self):
        return rendez_vous_par_statut(self.annees)

    @cached_property
    def financement(self):
        return financement_par_financeur(self.annees)

    def total_suivis(self, a: int, i: int):
        """i = 0: the number of follow-ups, i = 1: their minutes."""
        return sum(v[i] for v in self.suivis[a].values())

    def somme_ateliers(self, a: int, cle: str) -> int:
        return sum(v[cle] for v in self.ateliers[a].values())

    def taux_presence(self, a: int, themes=None):
        valeurs = [v for t, v in self.ateliers[a].items() if themes is None or t in themes]
        return part(sum(v["presents"] for v in valeurs), sum(v["confirmes_passes"] for v in valeurs))

    def parcours(self, a: int) -> dict[str, int]:
        """The three shares the network publishes, counted on the stage at year end."""
        e = self.etapes[a]
        return {
            "creation": e.get(Etape.CREATION, 0) + e.get(Etape.ENTREPRISE_CREEE, 0),
            "emergence": e.get(Etape.EMERGENCE, 0),
            "retour_emploi": e.get(Etape.RETOUR_EMPLOI, 0),
        }


def _repartition(s: Statistiques, cle, titre, libelle, libelles: list[tuple], comptes, totaux, note="") -> Tableau:
    """A one-dimension table: label, count and share for the year, then for the previous year."""
    annee = s.annee
    lignes = []
    for valeur, texte in libelles:
        n, p = comptes[annee].get(valeur, 0), comptes[annee - 1].get(valeur, 0)
        lignes.append([texte, n, part(n, totaux[annee]), p, part(p, totaux[annee - 1])])
    return Tableau(
        cle=cle,
        titre=titre,
        colonnes=[
            Colonne(libelle, TEXTE, 34),
            Colonne(str(annee)),
            Colonne(f"Part {annee}", POURCENT),
            Colonne(str(annee - 1)),
            Colonne(f"Part {annee - 1}", POURCENT),
        ],
        lignes=lignes,
        note=note,
        graphique=(0, (1, 3)),
    )


def chiffres_cles(s: Statistiques) -> Tableau:
    acc = s.accompagnes
    genres = s.par_champ["genre"]
    chiffres = [
        ("Personnes accompagnées (au moins un suivi dans l'année)", ENTIER, lambda a: acc[a]),
        ("Nouvelles personnes (premier contact dans l'année)", ENTIER, lambda a: s.effectifs[a]["nouveaux"]),
        (
            "Part de femmes parmi les personnes accompagnées",
            POURCENT,
            lambda a: part(genres[a].get(Porteur.Genre.FEMME, 0), acc[a]),
        ),
        (
            "Part en parcours de création (création ou entreprise créée)",
            POURCENT,
            lambda a: part(s.parcours(a)["creation"], acc[a]),
        ),
        ("Part en émergence", POURCENT, lambda a: part(s.parcours(a)["emergence"], acc[a])),
        ("Part en retour à l'emploi", POURCENT, lambda a: part(s.parcours(a)["retour_emploi"], acc[a])),
        ("Entreprises créées dans l'année", ENTIER, lambda a: s.creees[a]),
        ("Suivis", ENTIER, lambda a: s.total_suivis(a, 0)),
        ("Heures d'accompagnement", DECIMAL, lambda a: Decimal(s.total_suivis(a, 1)) / 60),
        ("Orientations vers un partenaire", ENTIER, lambda a: sum(s.par_partenaire[a].values())),
        ("Ateliers", ENTIER, lambda a: s.somme_ateliers(a, "ateliers")),
        ("Inscriptions confirmées aux ateliers", ENTIER, lambda a: s.somme_ateliers(a, "inscrits")),
        ("Taux de présence aux ateliers passés", POURCENT, s.taux_presence),
        (
            "Permanences d'accueil tenues (fermetures et jours fériés exclus)",
            ENTIER,
            lambda a: sum(s.permanences[a].values()),
        ),
    ]
    annee = s.annee
    return Tableau(
        cle="Chiffres clés",
        titre="Chiffres clés",
        colonnes=[Colonne("Indicateur", TEXTE, 62), Colonne(str(annee)), Colonne(str(annee - 1))],
        lignes=[[libelle, fn(annee), fn(annee - 1)] for libelle, _, fn in chiffres],
        types_lignes=[t for _, t, _ in chiffres],
    )


def genre(s: Statistiques) -> Tableau:
    return _repartition(
        s,
        "Genre",
        "Personnes accompagnées par genre",
        "Genre",
        Porteur.Genre.choices,
        s.par_champ["genre"],
        s.accompagnes,
    )


def age(s: Statistiques) -> Tableau:
    return _repartition(
        s,
        "Âge",
        "Personnes accompagnées par tranche d'âge",
        "Tranche d'âge",
        porteurs_stats.TRANCHES_AGE,
        s.ages,
        s.accompagnes,
        note="Âge atteint au 31 décembre de l'année.",
    )


def quartier(s: Statistiques) -> Tableau:
    noms = list(Quartier.objects.values_list("nom", flat=True))
    return _repartition(
        s,
        "Quartier",
        "Personnes accompagnées par quartier",
        "Quartier",
        [(nom, nom) for nom in noms] + [(None, HORS_QPV)],
        s.par_champ["quartier__nom"],
        s.accompagnes,
    )


def qpv(s: Statistiques) -> Tableau:
    quartiers = s.par_champ["quartier__nom"]
    comptes = {
        a: {"qpv": sum(n for nom, n in quartiers[a].items() if nom is not None), "hors": quartiers[a].get(None, 0)}
        for a in s.annees
    }
    return _repartition(
        s,
        "QPV",
        "Personnes accompagnées : QPV ou hors QPV",
        "Lieu de résidence",
        [("qpv", "En quartier prioritaire (QPV)"), ("hors", HORS_QPV)],
        comptes,
        s.accompagnes,
    )


def situation(s: Statistiques) -> Tableau:
    return _repartition(
        s,
        "Situation",
        "Situation à l'arrivée",
        "Situation",
        Porteur.Situation.choices,
        s.par_champ["situation"],
        s.accompagnes,
    )


def venu_par(s: Statistiques) -> Tableau:
    return _repartition(
        s,
        "Venu par",
        "Comment les personnes sont venues",
        "Venu par",
        Porteur.Source.choices,
        s.par_champ["source"],
        s.accompagnes,
    )


def etape(s: Statistiques) -> Tableau:
    return _repartition(
        s,
        "Étape au 31-12",
        "Étape atteinte au 31 décembre",
        "Étape",
        [*Etape.choices, ("", NON_RENSEIGNE)],
        s.etapes,
        s.accompagnes,
        note="Étape du dernier changement daté au plus tard le 31 décembre, parmi les personnes accompagnées.",
    )


def parcours(s: Statistiques) -> Tableau:
    return _repartition(
        s,
        "Parcours",
        "Indicateurs publiés par le réseau",
        "Indicateur",
        [
            ("creation", "Parcours de création engagé (création ou entreprise créée)"),
            ("emergence", "En émergence"),
            ("retour_emploi", "Retour à l'emploi"),
        ],
        {a: s.parcours(a) for a in s.annees},
        s.accompagnes,
        note="Parts calculées sur les personnes accompagnées dans l'année, selon leur étape au 31 décembre.",
    )


def suivis(s: Statistiques) -> Tableau:
    annee = s.annee

    def nombre_et_heures(a, valeur):
        n, minutes = s.suivis[a].get(valeur, (0, 0))
        return [n, Decimal(minutes) / 60]

    return Tableau(
        cle="Suivis",
        titre="Suivis et heures par type",
        colonnes=[
            Colonne("Type de suivi", TEXTE, 24),
            Colonne(f"Suivis {annee}"),
            Colonne(f"Heures {annee}", DECIMAL),
            Colonne(f"Suivis {annee - 1}"),
            Colonne(f"Heures {annee - 1}", DECIMAL),
        ],
        lignes=[
            [texte, *nombre_et_heures(annee, valeur), *nombre_et_heures(annee - 1, valeur)]
            for valeur, texte in Suivi.Type.choices
        ],
        graphique=(0, (1, 3)),
    )


def _total_orientations(s: Statistiques) -> dict[int, int]:
    return {a: sum(s.par_partenaire[a].values()) for a in s.annees}


def orientations_partenaire(s: Statistiques) -> Tableau:
    partenaires = sorted(set(s.par_partenaire[s.annee]) | set(s.par_partenaire[s.annee - 1]))
    return _repartition(
        s,
        "Orientations partenaire",
        "Orientations par partenaire",
        "Partenaire",
        [(p, p) for p in partenaires],
        s.par_partenaire,
        _total_orientations(s),
    )


def orientations_resultat(s: Statistiques) -> Tableau:
    return _repartition(
        s,
        "Orientations résultat",
        "Suite donnée aux orientations",
        "Résultat",
        Orientation.Resultat.choices,
        s.par_resultat,
        _total_orientations(s),
    )


def ateliers(s: Statistiques) -> Tableau:
    annee = s.annee

    def par_theme(a, theme):
        chiffres = s.ateliers[a].get(theme, {})
        return [chiffres.get("ateliers", 0), chiffres.get("inscrits", 0), s.taux_presence(a, {theme})]

    return Tableau(
        cle="Ateliers",
        titre="Ateliers par thème",
        colonnes=[
            Colonne("Thème", TEXTE, 34),
            Colonne(f"Ateliers {annee}"),
            Colonne(f"Inscriptions {annee}"),
            Colonne(f"Présence {annee}", POURCENT),
            Colonne(f"Ateliers {annee - 1}"),
            Colonne(f"Inscriptions {annee - 1}"),
            Colonne(f"Présence {annee - 1}", POURCENT),
        ],
        lignes=[
            [texte, *par_theme(annee, theme), *par_theme(annee - 1, theme)] for theme, texte in Atelier.Theme.choices
        ],
        note="Inscriptions confirmées ; présence = présents / inscrits confirmés des ateliers déjà passés.",
        graphique=(0, (1, 4)),
    )


def permanences(s: Statistiques) -> Tableau:
    annee, tenues = s.annee, s.permanences
    lieux = sorted(set(tenues[annee]) | set(tenues[annee - 1]))
    return Tableau(
        cle="Permanences",
        titre="Permanences d'accueil tenues par lieu",
        colonnes=[Colonne("Lieu", TEXTE, 44), Colonne(str(annee)), Colonne(str(annee - 1))],
        lignes=[[lieu, tenues[annee].get(lieu, 0), tenues[annee - 1].get(lieu, 0)] for lieu in lieux],
        note="Créneaux hebdomadaires d'accueil ayant eu lieu : fermetures et jours fériés exclus.",
        graphique=(0, (1, 2)),
    )


def rendez_vous(s: Statistiques) -> Tableau:
    annee = s.annee
    lignes = [["Réservés", s.rendez_vous[annee]["total"], s.rendez_vous[annee - 1]["total"]]]
    for statut, texte in [
        (RendezVous.Statut.HONORE, "Honorés"),
        (RendezVous.Statut.MANQUE, "Manqués"),
        (RendezVous.Statut.ANNULE, "Annulés"),
        (RendezVous.Statut.RESERVE, "À venir ou non pointés"),
    ]:
        lignes.append([texte, s.rendez_vous[annee][statut], s.rendez_vous[annee - 1][statut]])
    return Tableau(
        cle="Rendez-vous",
        titre="Rendez-vous pris en ligne",
        colonnes=[Colonne("Rendez-vous", TEXTE, 30), Colonne(str(annee)), Colonne(str(annee - 1))],
        lignes=lignes,
        note="Rendez-vous datés de l'année, réservés sur /rendez-vous/ ; honorés et manqués selon le pointage "
        "du chef de projet.",
        graphique=(0, (1, 2)),
    )


def financement(s: Statistiques) -> Tableau:
    annee = s.annee
    courants = {ligne.financeur: ligne for ligne in s.financement[annee]}
    precedents = {ligne.financeur: ligne for ligne in s.financement[annee - 1]}
    # This year's funders first, in the order of what they owe; then those only in last year's figures.
    financeurs = list(courants) + [nom for nom in precedents if nom not in courants]
    zero = Decimal("0")

    def ligne(nom):
        c, p = courants.get(nom), precedents.get(nom)
        return [
            nom,
            c.part if c else None,
            c.du if c else zero,
            c.recu if c else zero,
            c.reste if c else zero,
            p.du if p else zero,
            p.recu if p else zero,
        ]

    return Tableau(
        cle="Financement",
        titre="Financement de l'année par financeur",
        colonnes=[
            Colonne("Financeur", TEXTE, 30),
            Colonne(f"Part {annee}", POURCENT),
            Colonne(f"Dû {annee}", EUROS, 16),
            Colonne(f"Reçu {annee}", EUROS, 16),
            Colonne(f"Reste {annee}", EUROS, 16),
            Colonne(f"Dû {annee - 1}", EUROS, 16),
            Colonne(f"Reçu {annee - 1}", EUROS, 16),
        ],
        lignes=[ligne(nom) for nom in financeurs],
        note="Dû : contribution de la convention au prorata de ses jours compris dans l'année. "
        "Reçu : versements datés de l'année.",
        graphique=(0, (2, 3)),
    )


SECTIONS = [
    chiffres_cles,
    genre,
    age,
    quartier,
    qpv,
    situation,
    venu_par,
    etape,
    parcours,
    suivis,
    orientations_partenaire,
    orientations_resultat,
    ateliers,
    permanences,
    rendez_vous,
    financement,
]


def construire_bilan(annee: int, tableau_fait: Callable[[], object] | None = None) -> Bilan:
    """`tableau_fait()` is called after each table of SECTIONS (the export command's progress bar)."""
    statistiques = Statistiques(annee)
    tableaux = []
    for section in SECTIONS:
        tableaux.append(section(statistiques))
        if tableau_fait:
            tableau_fait()
    return Bilan(annee=annee, conventions=conventions_couvrant(annee), tableaux=tableaux)
