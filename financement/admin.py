from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join

from citeslab.core.admin import HistoriqueAdmin
from citeslab.core.formats import euros, pourcent
from financement.forms import ContributionFormSet
from financement.models import Contribution, Convention, Financeur, Versement
from financement.stats import echeancier

# Amounts typed the French way ("12 500,50") are accepted, and shown back with a decimal comma.
MONTANTS_FRANCAIS = {models.DecimalField: {"localize": True}}


@admin.register(Financeur)
class FinanceurAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle"]
    search_fields = ["nom", "sigle"]


class ContributionInline(admin.TabularInline):
    formfield_overrides = MONTANTS_FRANCAIS
    model = Contribution
    formset = ContributionFormSet
    extra = 0
    min_num = 1
    fields = ["financeur", "montant", "part_affichee"]
    readonly_fields = ["part_affichee"]

    @admin.display(description="part (calculée)")
    def part_affichee(self, obj):
        # The parent is set on each inline instance by the formset: no query per row.
        if obj is None or obj.pk is None or obj.montant is None:
            return "—"
        return f"{euros(obj.montant, 2)} sur {euros(obj.convention.montant_total, 2)} = {pourcent(obj.part)}"


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    formfield_overrides = MONTANTS_FRANCAIS
    list_display = ["intitule", "debut", "fin", "montant_total_affiche"]
    inlines = [ContributionInline]
    readonly_fields = ["echeancier_affiche"]
    fieldsets = [
        (None, {"fields": ["intitule", ("debut", "fin"), "montant_total"]}),
        (
            "Échéancier par année",
            {
                "fields": ["echeancier_affiche"],
                "description": "Le dû de chaque année est la contribution au prorata des jours de la convention "
                "compris dans l'année ; le reçu est la somme des versements datés de l'année.",
            },
        ),
    ]

    @admin.display(description="montant total", ordering="montant_total")
    def montant_total_affiche(self, obj):
        return euros(obj.montant_total, 2)

    @admin.display(description="dû, reçu et reste par financeur et par année")
    def echeancier_affiche(self, obj):
        if obj is None or obj.pk is None:
            return "Enregistrez la convention pour voir son échéancier."
        lignes = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((e.annee, e.financeur, euros(e.du, 2), euros(e.recu, 2), euros(e.reste, 2)) for e in echeancier(obj)),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>Année</th><th scope='col'>Financeur</th><th scope='col'>Dû</th>"
            "<th scope='col'>Reçu</th><th scope='col'>Reste</th></tr></thead><tbody>{}</tbody></table>",
            lignes,
        )


class VersementInline(admin.TabularInline):
    formfield_overrides = MONTANTS_FRANCAIS
    model = Versement
    extra = 1
    fields = ["date", "montant", "reference"]


@admin.register(Contribution)
class ContributionAdmin(HistoriqueAdmin):
    formfield_overrides = MONTANTS_FRANCAIS
    list_display = ["financeur", "convention", "montant_affiche"]
    list_select_related = ["financeur", "convention"]
    list_filter = ["convention", "financeur"]
    fields = ["convention", "financeur", "montant"]
    inlines = [VersementInline]

    def get_readonly_fields(self, request, obj=None):
        # Amounts change only on the convention page, where their sum is checked against the total.
        return ["convention", "financeur", "montant"] if obj else []

    def has_add_permission(self, request):
        return False

    @admin.display(description="montant", ordering="montant")
    def montant_affiche(self, obj):
        return euros(obj.montant, 2)


@admin.register(Versement)
class VersementAdmin(HistoriqueAdmin):
    formfield_overrides = MONTANTS_FRANCAIS
    list_display = ["date", "contribution", "montant_affiche", "reference"]
    list_select_related = ["contribution__financeur", "contribution__convention"]
    list_filter = ["contribution__financeur", "contribution__convention"]
    date_hierarchy = "date"

    @admin.display(description="montant", ordering="montant")
    def montant_affiche(self, obj):
        return euros(obj.montant, 2)
