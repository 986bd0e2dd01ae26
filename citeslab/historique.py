"""The "Historique" page of the tracked models' admins: who changed what, and when, in French, read-only."""

from simple_history.admin import SimpleHistoryAdmin


class HistoriqueAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin with French titles; restoring a version is off (SIMPLE_HISTORY_REVERT_DISABLED)."""

    def history_view_title(self, request, obj):
        return f"Historique des modifications : {obj}"

    def history_form_view_title(self, request, obj):
        return f"Version enregistrée : {obj}"
