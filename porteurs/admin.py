from django.contrib import admin

from porteurs.models import ChangementEtape, Orientation, Partenaire, Porteur, Suivi


@admin.register(Partenaire)
class PartenaireAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle", "actif"]
    search_fields = ["nom", "sigle"]


class SuiviInline(admin.StackedInline):
    model = Suivi
    extra = 0
    fields = ["date", "type", "lieu", "duree_minutes", "notes", "prochaine_etape", "relance_le"]


class ChangementEtapeInline(admin.TabularInline):
    model = ChangementEtape
    extra = 0
    fields = ["date", "etape", "commentaire", "auteur"]
    readonly_fields = ["auteur"]


class OrientationInline(admin.TabularInline):
    model = Orientation
    extra = 0


@admin.register(Porteur)
class PorteurAdmin(admin.ModelAdmin):
    list_display = ["nom", "prenom", "telephone", "quartier", "etape", "date_premier_contact", "relance_le"]
    list_select_related = ["quartier"]
    list_filter = ["etape", "quartier", "genre"]
    search_fields = ["nom", "prenom", "telephone", "email"]
    inlines = [SuiviInline, ChangementEtapeInline, OrientationInline]


@admin.register(Suivi)
class SuiviAdmin(admin.ModelAdmin):
    list_display = ["date", "porteur", "type", "duree_minutes"]
    list_select_related = ["porteur"]
    date_hierarchy = "date"
