from django.contrib import admin, messages
from django.db.models import QuerySet

from rendezvous.models import RendezVous


@admin.register(RendezVous)
class RendezVousAdmin(admin.ModelAdmin):
    """The chef de projet's list by day: who comes when, and afterwards whether they came."""

    list_display = ["date", "debut", "lieu", "prenom", "nom", "telephone", "statut", "porteur"]
    list_display_links = ["date", "debut"]
    list_filter = ["statut", "date", "permanence__lieu"]
    list_select_related = ["permanence__lieu", "porteur"]
    date_hierarchy = "date"
    ordering = ["date", "debut"]
    search_fields = ["nom", "prenom"]
    readonly_fields = ["permanence", "date", "debut", "fin", "porteur", "cree_le", "rappel_envoye_le"]
    fields = [
        "permanence",
        "date",
        "debut",
        "fin",
        "prenom",
        "nom",
        "telephone",
        "email",
        "idee",
        "statut",
        "motif_annulation",
        "porteur",
        "cree_le",
        "rappel_envoye_le",
    ]
    actions = ["marquer_honores", "marquer_manques", "marquer_annules"]

    def has_add_permission(self, request):
        # A time is taken through the booking service only, which checks and locks it.
        return False

    @admin.display(description="lieu", ordering="permanence__lieu__nom")
    def lieu(self, obj):
        return obj.permanence.lieu

    def _marquer(self, request, queryset: QuerySet, statut: str, texte: str):
        nombre = queryset.update(statut=statut)
        self.message_user(request, f"{nombre} rendez-vous marqué(s) « {texte} ».", messages.SUCCESS)

    @admin.action(description="Marquer honoré(s) : la personne est venue", permissions=["change"])
    def marquer_honores(self, request, queryset):
        self._marquer(request, queryset, RendezVous.Statut.HONORE, "honoré")

    @admin.action(description="Marquer manqué(s) : la personne n'est pas venue", permissions=["change"])
    def marquer_manques(self, request, queryset):
        self._marquer(request, queryset, RendezVous.Statut.MANQUE, "manqué")

    @admin.action(description="Marquer annulé(s) (l'horaire redevient libre)", permissions=["change"])
    def marquer_annules(self, request, queryset):
        self._marquer(request, queryset, RendezVous.Statut.ANNULE, "annulé")
