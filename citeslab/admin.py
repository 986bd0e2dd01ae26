"""Staff accounts: the administrator can reset a second factor when a phone is lost."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from citeslab.core.noms import Nom, declarer, declarer_applications
from citeslab.security import reinitialiser_deux_facteurs

# How each model is said in a sentence ("un atelier", "l'inscription", "cette fermeture"), for the admin's titles
# and messages (citeslab.core.admin.SiteFrancais). A model not listed here gets a guess from its verbose_name.
declarer(
    {
        "porteurs.porteur": Nom("porteur de projet", "porteurs de projet"),
        "porteurs.suivi": Nom("suivi"),
        "porteurs.changementetape": Nom("changement d’étape", "changements d’étape", liste="historique des étapes"),
        "porteurs.orientation": Nom("orientation", feminin=True),
        "porteurs.partenaire": Nom("partenaire"),
        "ateliers.atelier": Nom("atelier"),
        "ateliers.inscription": Nom("inscription", feminin=True),
        "permanences.quartier": Nom("quartier prioritaire", "quartiers prioritaires"),
        "permanences.lieu": Nom("lieu", "lieux"),
        "permanences.permanence": Nom("permanence", feminin=True),
        "permanences.fermeture": Nom("fermeture", feminin=True),
        "permanences.bureau": Nom("coordonnées du bureau", feminin=True, toujours_pluriel=True),
        "financement.financeur": Nom("financeur"),
        "financement.convention": Nom("convention de financement", "conventions de financement", feminin=True),
        "financement.contribution": Nom("contribution", feminin=True),
        "financement.versement": Nom("versement"),
        "citeslab.bilan": Nom("bilan annuel", "bilans annuels"),
        # The libraries' models, whose verbose_name is English or bare
        "auth.user": Nom("compte", liste="comptes du personnel"),
        "auth.group": Nom("rôle", liste="rôles (groupes de permissions)"),
        "auth.permission": Nom("permission", feminin=True),
        "otp_totp.totpdevice": Nom("application d’authentification", "applications d’authentification", feminin=True),
        "otp_static.staticdevice": Nom("jeu de codes de secours", "jeux de codes de secours"),
        "otp_static.statictoken": Nom("code de secours", "codes de secours"),
        "axes.accessattempt": Nom("tentative de connexion", "tentatives de connexion", feminin=True),
        "axes.accesslog": Nom("connexion", feminin=True),
        "axes.accessfailurelog": Nom("échec de connexion", "échecs de connexion"),
        "django_tasks_database.dbtaskresult": Nom("tâche", feminin=True, liste="file des tâches"),
        "admin.logentry": Nom("modification", feminin=True),
    }
)
declarer_applications(
    {
        "auth": "Comptes et rôles",
        "otp_totp": "Double authentification : applications",
        "otp_static": "Double authentification : codes de secours",
        "axes": "Connexions (protection contre les essais de mots de passe)",
    }
)

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
