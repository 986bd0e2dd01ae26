"""The yearly report (bilan annuel): composes what each app can say about a year, beside the previous year.

One data structure, `Bilan.tableaux`, feeds the page, its charts and every download, so the figures
downloaded are the figures shown. Aggregates only: no table holds a name or a note. The number of queries
is constant: each app's stats answer for both years at once, none loops over people.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from ateliers.models import Atelier
from ateliers.stats import ateliers_par_theme
from citeslab.formats import euros, nombre, pourcent
from financement.stats import conventions_couvrant, financement_par_financeur
from permanences.models import Quartier
from permanences.stats import permanences_tenues
from porteurs import stats as porteurs_stats
from porteurs.models import Etape, Orientation, Porteur, Suivi

ENTIER = "entier"
DECIMAL = "decimal"  # hours, one decimal
POURCENT = "pourcent"  # a fraction, 0.4 for 40 %
EUROS = "euros"
TEXTE = "texte"

HORS_QPV = "Hors QPV"
NON_RENSEIGNE = "Non renseigné"


@dataclass
class Colonne:
    titre: str
    type: str = ENTIER
    largeur: int = 14  # characters, for the spreadsheets


@dataclass
class Tableau:
    cle: str  # sheet and csv file name
    titre: str
    colonnes: list[Colonne]
    lignes: list[list]
    note: str = ""
    # (column of the labels, columns of the bars) for the SVG chart; None: no chart
    graphique: tuple[int, tuple[int, ...]] | None = None
    # When the rows of a table hold different measures (the key figures), the type of each row's figures
    types_lignes: list[str] | None = None

    def type_cellule(self, i: int, j: int) -> str:
        if self.types_lignes is not None and j > 0:
            return self.types_lignes[i]
        return self.colonnes[j].type

    def cellules_formatees(self) -> list[list[str]]:
        return [
            [formater(valeur, self.type_cellule(i, j)) for j, valeur in enumerate(ligne)]
            for i, ligne in enumerate(self.lignes)
        ]


def formater(valeur, type_colonne: str) -> str:
    """The French rendering of a cell, used by the page (and by the test comparing page and downloads)."""
    if valeur is None:
        return "—"
    if type_colonne == ENTIER:
        return nombre(valeur)
    if type_colonne == DECIMAL:
        return nombre(valeur, 1)
    if type_colonne == POURCENT:
        return pourcent(valeur)
    if type_colonne == EUROS:
        return euros(valeur)
    return str(valeur)


def part(n, total):
    return Decimal(n) / Decimal(total) if total else None


@dataclass
class Bilan:
    annee: int
    genere_le: datetime.datetime = field(default_factory=timezone.localtime)
    tableaux: list[Tableau] = field(default_factory=list)
    conventions: list = field(default_factory=list)

    @property
    def precedente(self) -> int:
        return self.annee - 1

    def tableau(self, cle: str) -> Tableau:
        return next(t for t in self.tableaux if t.cle == cle)


def _repartition(cle, titre, libelle, libelles: list[tuple], comptes, annee, totaux, note="") -> Tableau:
    """A one-dimension table: label, count and share for the year, then for the previous year."""
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


def construire_bilan(annee: int) -> Bilan:
    annees = [annee - 1, annee]
    bilan = Bilan(annee=annee)
    bilan.conventions = conventions_couvrant(annee)

    effectifs = porteurs_stats.effectifs(annees)
    acc = {a: effectifs[a]["accompagnes"] for a in annees}
    par_champ = porteurs_stats.repartitions(["genre", "quartier__nom", "situation", "source"], annees)
    genres, quartiers = par_champ["genre"], par_champ["quartier__nom"]
    situations, sources = par_champ["situation"], par_champ["source"]
    ages = porteurs_stats.tranches_age(annees)
    etapes = {a: porteurs_stats.etapes_fin_annee(a) for a in annees}
    creees = porteurs_stats.entreprises_creees(annees)
    suivis = porteurs_stats.suivis_par_type(annees)
    par_partenaire = porteurs_stats.orientations_par("partenaire__nom", annees)
    par_resultat = porteurs_stats.orientations_par("resultat", annees)
    ateliers = ateliers_par_theme(annees)
    permanences = permanences_tenues(annees)
    financement = financement_par_financeur(annees)
    noms_quartiers = list(Quartier.objects.values_list("nom", flat=True))

    def total_suivis(a, i):
        return sum(v[i] for v in suivis[a].values())

    def somme_ateliers(a, cle):
        return sum(v[cle] for v in ateliers[a].values())

    def taux_presence(a, themes=None):
        valeurs = [v for t, v in ateliers[a].items() if themes is None or t in themes]
        return part(sum(v["presents"] for v in valeurs), sum(v["confirmes_passes"] for v in valeurs))

    def parcours(a):
        e = etapes[a]
        return {
            "creation": e.get(Etape.CREATION, 0) + e.get(Etape.ENTREPRISE_CREEE, 0),
            "emergence": e.get(Etape.EMERGENCE, 0),
            "retour_emploi": e.get(Etape.RETOUR_EMPLOI, 0),
        }

    chiffres = [
        ("Personnes accompagnées (au moins un suivi dans l'année)", ENTIER, lambda a: acc[a]),
        ("Nouvelles personnes (premier contact dans l'année)", ENTIER, lambda a: effectifs[a]["nouveaux"]),
        (
            "Part de femmes parmi les personnes accompagnées",
            POURCENT,
            lambda a: part(genres[a].get(Porteur.Genre.FEMME, 0), acc[a]),
        ),
        (
            "Part en parcours de création (création ou entreprise créée)",
            POURCENT,
            lambda a: part(parcours(a)["creation"], acc[a]),
        ),
        ("Part en émergence", POURCENT, lambda a: part(parcours(a)["emergence"], acc[a])),
        ("Part en retour à l'emploi", POURCENT, lambda a: part(parcours(a)["retour_emploi"], acc[a])),
        ("Entreprises créées dans l'année", ENTIER, lambda a: creees[a]),
        ("Suivis", ENTIER, lambda a: total_suivis(a, 0)),
        ("Heures d'accompagnement", DECIMAL, lambda a: Decimal(total_suivis(a, 1)) / 60),
        ("Orientations vers un partenaire", ENTIER, lambda a: sum(par_partenaire[a].values())),
        ("Ateliers", ENTIER, lambda a: somme_ateliers(a, "ateliers")),
        ("Inscriptions confirmées aux ateliers", ENTIER, lambda a: somme_ateliers(a, "inscrits")),
        ("Taux de présence aux ateliers passés", POURCENT, taux_presence),
        (
            "Permanences d'accueil tenues (fermetures et jours fériés exclus)",
            ENTIER,
            lambda a: sum(permanences[a].values()),
        ),
    ]
    bilan.tableaux.append(
        Tableau(
            cle="Chiffres clés",
            titre="Chiffres clés",
            colonnes=[Colonne("Indicateur", TEXTE, 62), Colonne(str(annee)), Colonne(str(annee - 1))],
            lignes=[[libelle, fn(annee), fn(annee - 1)] for libelle, _, fn in chiffres],
            types_lignes=[t for _, t, _ in chiffres],
        )
    )

    bilan.tableaux.append(
        _repartition("Genre", "Personnes accompagnées par genre", "Genre", Porteur.Genre.choices, genres, annee, acc)
    )
    bilan.tableaux.append(
        _repartition(
            "Âge",
            "Personnes accompagnées par tranche d'âge",
            "Tranche d'âge",
            porteurs_stats.TRANCHES_AGE,
            ages,
            annee,
            acc,
            note="Âge atteint au 31 décembre de l'année.",
        )
    )
    bilan.tableaux.append(
        _repartition(
            "Quartier",
            "Personnes accompagnées par quartier",
            "Quartier",
            [(nom, nom) for nom in noms_quartiers] + [(None, HORS_QPV)],
            quartiers,
            annee,
            acc,
        )
    )
    qpv = {
        a: {"qpv": sum(n for nom, n in quartiers[a].items() if nom is not None), "hors": quartiers[a].get(None, 0)}
        for a in annees
    }
    bilan.tableaux.append(
        _repartition(
            "QPV",
            "Personnes accompagnées : QPV ou hors QPV",
            "Lieu de résidence",
            [("qpv", "En quartier prioritaire (QPV)"), ("hors", HORS_QPV)],
            qpv,
            annee,
            acc,
        )
    )
    bilan.tableaux.append(
        _repartition(
            "Situation", "Situation à l'arrivée", "Situation", Porteur.Situation.choices, situations, annee, acc
        )
    )
    bilan.tableaux.append(
        _repartition(
            "Venu par", "Comment les personnes sont venues", "Venu par", Porteur.Source.choices, sources, annee, acc
        )
    )
    bilan.tableaux.append(
        _repartition(
            "Étape au 31-12",
            "Étape atteinte au 31 décembre",
            "Étape",
            [*Etape.choices, ("", NON_RENSEIGNE)],
            etapes,
            annee,
            acc,
            note="Étape du dernier changement daté au plus tard le 31 décembre, parmi les personnes accompagnées.",
        )
    )
    indicateurs = {a: parcours(a) for a in annees}
    bilan.tableaux.append(
        _repartition(
            "Parcours",
            "Indicateurs publiés par le réseau",
            "Indicateur",
            [
                ("creation", "Parcours de création engagé (création ou entreprise créée)"),
                ("emergence", "En émergence"),
                ("retour_emploi", "Retour à l'emploi"),
            ],
            indicateurs,
            annee,
            acc,
            note="Parts calculées sur les personnes accompagnées dans l'année, selon leur étape au 31 décembre.",
        )
    )
    bilan.tableaux.append(
        Tableau(
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
                [
                    texte,
                    suivis[annee].get(valeur, (0, 0))[0],
                    Decimal(suivis[annee].get(valeur, (0, 0))[1]) / 60,
                    suivis[annee - 1].get(valeur, (0, 0))[0],
                    Decimal(suivis[annee - 1].get(valeur, (0, 0))[1]) / 60,
                ]
                for valeur, texte in Suivi.Type.choices
            ],
            graphique=(0, (1, 3)),
        )
    )
    partenaires = sorted(set(par_partenaire[annee]) | set(par_partenaire[annee - 1]))
    total_orient = {a: sum(par_partenaire[a].values()) for a in annees}
    bilan.tableaux.append(
        _repartition(
            "Orientations partenaire",
            "Orientations par partenaire",
            "Partenaire",
            [(p, p) for p in partenaires],
            par_partenaire,
            annee,
            total_orient,
        )
    )
    bilan.tableaux.append(
        _repartition(
            "Orientations résultat",
            "Suite donnée aux orientations",
            "Résultat",
            Orientation.Resultat.choices,
            par_resultat,
            annee,
            total_orient,
        )
    )

    def atelier(a, theme, cle):
        return ateliers[a].get(theme, {}).get(cle, 0)

    bilan.tableaux.append(
        Tableau(
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
                [
                    texte,
                    atelier(annee, theme, "ateliers"),
                    atelier(annee, theme, "inscrits"),
                    taux_presence(annee, {theme}),
                    atelier(annee - 1, theme, "ateliers"),
                    atelier(annee - 1, theme, "inscrits"),
                    taux_presence(annee - 1, {theme}),
                ]
                for theme, texte in Atelier.Theme.choices
            ],
            note="Inscriptions confirmées ; présence = présents / inscrits confirmés des ateliers déjà passés.",
            graphique=(0, (1, 4)),
        )
    )
    lieux = sorted(set(permanences[annee]) | set(permanences[annee - 1]))
    bilan.tableaux.append(
        Tableau(
            cle="Permanences",
            titre="Permanences d'accueil tenues par lieu",
            colonnes=[Colonne("Lieu", TEXTE, 44), Colonne(str(annee)), Colonne(str(annee - 1))],
            lignes=[[lieu, permanences[annee].get(lieu, 0), permanences[annee - 1].get(lieu, 0)] for lieu in lieux],
            note="Créneaux hebdomadaires d'accueil ayant eu lieu : fermetures et jours fériés exclus.",
            graphique=(0, (1, 2)),
        )
    )
    precedents = {ligne.financeur: ligne for ligne in financement[annee - 1]}
    financeurs = [ligne.financeur for ligne in financement[annee]] + [
        nom for nom in precedents if nom not in {ligne.financeur for ligne in financement[annee]}
    ]
    courants = {ligne.financeur: ligne for ligne in financement[annee]}

    def fin_ligne(nom):
        c, p = courants.get(nom), precedents.get(nom)
        return [
            nom,
            c.part if c else None,
            c.du if c else Decimal("0"),
            c.recu if c else Decimal("0"),
            c.reste if c else Decimal("0"),
            p.du if p else Decimal("0"),
            p.recu if p else Decimal("0"),
        ]

    bilan.tableaux.append(
        Tableau(
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
            lignes=[fin_ligne(nom) for nom in financeurs],
            note="Dû : contribution de la convention au prorata de ses jours compris dans l'année. "
            "Reçu : versements datés de l'année.",
            graphique=(0, (2, 3)),
        )
    )
    return bilan
