from django.contrib import admin

from financement.models import Contribution, Convention, Financeur, Versement


@admin.register(Financeur)
class FinanceurAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle"]


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["intitule", "debut", "fin", "montant_total"]
    inlines = [ContributionInline]


@admin.register(Versement)
class VersementAdmin(admin.ModelAdmin):
    list_display = ["contribution", "date", "montant", "reference"]
    list_select_related = ["contribution__financeur", "contribution__convention"]
