from django.contrib import admin

from permanences.models import Bureau, Fermeture, Lieu, Permanence, Quartier


@admin.register(Quartier)
class QuartierAdmin(admin.ModelAdmin):
    list_display = ["nom", "ordre"]
    prepopulated_fields = {"slug": ["nom"]}


@admin.register(Lieu)
class LieuAdmin(admin.ModelAdmin):
    list_display = ["nom", "adresse", "quartier"]
    list_select_related = ["quartier"]
    list_filter = ["quartier"]
    search_fields = ["nom", "adresse"]


@admin.register(Permanence)
class PermanenceAdmin(admin.ModelAdmin):
    list_display = ["jour", "debut", "fin", "type", "lieu", "valide_du", "valide_au"]
    list_select_related = ["lieu"]
    list_filter = ["type", "jour", "lieu"]


@admin.register(Fermeture)
class FermetureAdmin(admin.ModelAdmin):
    list_display = ["motif", "debut", "fin", "permanence"]
    list_select_related = ["permanence__lieu"]
    date_hierarchy = "debut"


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["nom", "responsable", "telephone", "email"]
