"""Staff accounts (the administrator can reset a second factor when a phone is lost), and how every model is named
in the admin's French."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from citeslab.core.noms import Nom, declarer, declarer_applications
from citeslab.security import reinitialiser_deux_facteurs


def _quand(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}" if moment else "?"


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
        "rendezvous.rendezvous": Nom("rendez-vous", "rendez-vous"),
        "citeslab.bilan": Nom("bilan annuel", "bilans annuels"),
        # The libraries' models, whose verbose_name is English or bare
        "auth.user": Nom("compte", liste="comptes du personnel"),
        "auth.group": Nom("rôle", liste="rôles (groupes de permissions)"),
        "auth.permission": Nom("permission", feminin=True),
        "auth.user_groups": Nom("appartenance à un rôle", "appartenances à un rôle", feminin=True),
        "auth.group_permissions": Nom("permission du rôle", "permissions du rôle", feminin=True),
        "auth.user_user_permissions": Nom("permission du compte", "permissions du compte", feminin=True),
        "otp_totp.totpdevice": Nom("application d’authentification", "applications d’authentification", feminin=True),
        "otp_static.staticdevice": Nom("jeu de codes de secours", "jeux de codes de secours"),
        "otp_static.statictoken": Nom("code de secours", "codes de secours"),
        "axes.accessattempt": Nom(
            "tentative de connexion",
            "tentatives de connexion",
            feminin=True,
            libelle=lambda o: f"{o.username or 'compte inconnu'} depuis {o.ip_address}, le {_quand(o.attempt_time)}",
        ),
        "axes.accesslog": Nom(
            "connexion",
            feminin=True,
            libelle=lambda o: f"{o.username or 'compte inconnu'}, le {_quand(o.attempt_time)}",
        ),
        "axes.accessfailurelog": Nom(
            "échec de connexion",
            "échecs de connexion",
            libelle=lambda o: f"{o.username or 'compte inconnu'} depuis {o.ip_address}, le {_quand(o.attempt_time)}",
        ),
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


# Second factors are managed from each account: enrolment at the first login, backup codes shown then, and the
# "Réinitialiser la double authentification" action above. django-otp's raw device tables, in English and showing
# the secret keys, are of no use to the administrator.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)

admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class TentativeDeConnexionAdmin(AccessAttemptAdmin):
    @admin.display(description="état")
    def status(self, obj):
        restantes = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if restantes > 0:
            return f"{restantes} essai{'s' if restantes > 1 else ''} restant{'s' if restantes > 1 else ''}"
        return "compte bloqué"

    @admin.action(description="Effacer les tentatives expirées")
    def cleanup_expired_attempts(self, request, queryset):
        # django-axes reads the moment of the request from a login attempt; an admin action has none (it crashed).
        request.axes_attempt_time = timezone.now()
        n = self.handler.clean_expired_user_attempts(request=request)
        s = "s" if n > 1 else ""
        self.message_user(request, f"{n} tentative{s} expirée{s} effacée{s}.", messages.SUCCESS)


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TacheAdmin(DBTaskResultAdmin):
    """The task queue, its two computed columns named in French (the fields are, by locale/fr)."""

    @admin.display(description="détail de l’erreur")
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description="pas avant le")
    def display_run_after(self, obj):
        return super().display_run_after(obj)
