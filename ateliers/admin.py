from django.contrib import admin

from ateliers.models import Atelier, Inscription


class InscriptionInline(admin.TabularInline):
    model = Inscription
    extra = 0
    fields = ["prenom", "nom", "telephone", "email", "quartier", "statut", "present", "porteur"]
    raw_id_fields = ["porteur"]


@admin.register(Atelier)
class AtelierAdmin(admin.ModelAdmin):
    list_display = ["titre", "theme", "debut", "lieu", "capacite", "public", "inscriptions_ouvertes"]
    list_select_related = ["lieu"]
    list_filter = ["theme", "public"]
    date_hierarchy = "debut"
    inlines = [InscriptionInline]
