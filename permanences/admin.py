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
    list_display = ["jour", "debut", "fin", "type", "lieu", "valide_du", "valide_au", "prend_rdv"]
    list_select_related = ["lieu"]
    list_filter = ["type", "jour", "lieu", "prend_rdv"]
    fieldsets = [
        (None, {"fields": ["type", "jour", "debut", "fin", "lieu", "valide_du", "valide_au"]}),
        ("Rendez-vous en ligne", {"fields": ["prend_rdv", "duree_rdv", "nb_rdv"]}),
    ]


@admin.register(Fermeture)
class FermetureAdmin(admin.ModelAdmin):
    list_display = ["motif", "debut", "fin", "permanence"]
    list_select_related = ["permanence__lieu"]
    date_hierarchy = "debut"


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["nom", "responsable", "telephone", "email"]
