"""Staff accounts: the administrator can reset a second factor when a phone is lost."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from citeslab.security import reinitialiser_deux_facteurs

Utilisateur = get_user_model()
admin.site.unregister(Utilisateur)


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    actions = ["reinitialiser_deux_facteurs"]

    @admin.action(description="Réinitialiser la double authentification (téléphone perdu)", permissions=["change"])
    def reinitialiser_deux_facteurs(self, request, queryset):
        for utilisateur in queryset:
            reinitialiser_deux_facteurs(request, utilisateur)
        n = queryset.count()
        self.message_user(
            request,
            f"{n} compte{'s' if n > 1 else ''} : à la prochaine connexion, une nouvelle application "
            "d'authentification sera enrôlée.",
            messages.SUCCESS,
        )
