"""Admin building blocks shared by the apps: natural French, history pages, big-table lists, cached choices,
confirmation pages."""

import re

from django.apps import apps as apps_registry
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, quote, unquote
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Q, QuerySet
from django.forms import CheckboxInput
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from simple_history.admin import SimpleHistoryAdmin

from citeslab.core.noms import Nom, nom_application, nom_de

# ---------------------------------------------------------------------------------------------------------------
# Natural French on every admin page
# ---------------------------------------------------------------------------------------------------------------


def _motif(gabarit: str) -> re.Pattern:
    """A regex matching one of Django's messages once translated, its placeholders captured as named groups."""
    morceaux = re.split(r"(\{\w+\}|%\(\w+\)[sd])", gabarit)
    regex = ""
    for morceau in morceaux:
        nom = re.fullmatch(r"\{(\w+)\}|%\((\w+)\)[sd]", morceau)
        if nom:
            groupe = nom.group(1) or nom.group(2)
            regex += f"(?P<{groupe}>.+?)" if f"(?P<{groupe}>" not in regex else f"(?P={groupe})"
        else:
            regex += re.escape(morceau)
    return re.compile(regex + r"\Z", re.DOTALL)


def _messages_de_django(nom: Nom):
    """(Django's message as the French translation writes it, how to say it naturally) for one model."""
    ajoute = gettext("The {name} “{obj}” was added successfully.")
    modifie = gettext("The {name} “{obj}” was changed successfully.")
    le = capfirst(nom.le)

    def phrase(verbe, suite=""):
        return lambda m: format_html("{} « {} » a été {}{}.{}", le, m["obj"], verbe, nom.e + nom.s, suite)

    encore = f" Vous pouvez continuer à {'les' if nom.toujours_pluriel else 'la' if nom.feminin else 'le'} modifier."
    autre = f" Vous pouvez ajouter {nom.un_autre} ci-dessous."
    return [
        (ajoute + " " + gettext("You may edit it again below."), phrase("ajouté", encore)),
        (
            gettext("The {name} “{obj}” was added successfully. You may add another {name} below."),
            phrase("ajouté", autre),
        ),
        (ajoute, phrase("ajouté")),
        (
            gettext("The {name} “{obj}” was changed successfully. You may edit it again below."),
            phrase("modifié", encore),
        ),
        (
            gettext("The {name} “{obj}” was changed successfully. You may add another {name} below."),
            phrase("modifié", autre),
        ),
        (modifie, phrase("modifié")),
        (
            gettext("The %(name)s “%(obj)s” was deleted successfully."),
            lambda m: format_html("{} « {} » a été supprimé{}.", le, m["obj"], nom.e + nom.s),
        ),
        (
            gettext("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
            lambda m: (
                f"{capfirst(nom.aucun)} ne porte le numéro {m['key']} : {nom.il} a peut-être été supprimé{nom.e}."
            ),
        ),
        (
            gettext("Successfully deleted %(count)d %(items)s."),
            lambda m: f"{nom.nombre(int(m['count']))} supprimé{nom.accord(int(m['count']))}.",
        ),
        (
            gettext("Items must be selected in order to perform actions on them. No items have been changed."),
            lambda m: f"Cochez d’abord {nom.les} concerné{nom.e}s : rien n’a été modifié.",
        ),
        (gettext("No action selected."), lambda m: "Choisissez d’abord une action dans la liste : rien n’a été fait."),
    ] + [
        (
            ngettext(
                "%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", n
            ),
            lambda m: f"{nom.nombre(int(m['count']))} modifié{nom.accord(int(m['count']))}.",
        )
        for n in (1, 2)
    ]


class FrancaisAdminMixin:
    """Titles, messages and confirmations of a ModelAdmin written from its model's Nom (citeslab.core.noms).

    SiteFrancais puts it under every ModelAdmin registered, the project's and the libraries' alike, so a new
    admin page says "Ajouter un atelier" and "Modifier l'inscription « … »" without doing anything.
    """

    @property
    def nom(self) -> Nom:
        return nom_de(self.model)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": self.nom.titre_liste, "nom": self.nom, **(extra_context or {})}
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        nom = self.nom
        if add:
            titre = f"Ajouter {nom.un}"
        elif self.has_change_permission(request, obj):
            titre = f"Modifier {nom.le} « {nom.decrire(obj)} »"
        else:
            titre = f"{capfirst(nom.le)} « {nom.decrire(obj)} »"
        # Only Django's own title is replaced: a view that chose its title keeps it.
        if context.get("title") in {gettext(g) % self.opts.verbose_name for g in ("Add %s", "Change %s", "View %s")}:
            context.update(title=titre, subtitle=None)
        context.update(nom=nom, objet_decrit=nom.decrire(obj) if obj is not None else "")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_delete_form(self, request, context):
        nom = self.nom
        objet = nom.decrire(context.get("object"))
        if context.get("perms_lacking") or context.get("protected"):
            context["title"] = f"Impossible de supprimer {nom.le} « {objet} »"
        else:
            context["title"] = f"Supprimer {nom.le} « {objet} »"
        context.update(nom=nom, objet_decrit=objet)
        return super().render_delete_form(request, context)

    def history_view(self, request, object_id, extra_context=None):
        contexte = {"nom": self.nom}
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            contexte.update(
                title=f"Historique des modifications {self.nom.de_le} « {self.nom.decrire(obj)} »",
                objet_decrit=self.nom.decrire(obj),
            )
        return super().history_view(request, object_id, {**contexte, **(extra_context or {})})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            fonction, nom_action, _ = actions["delete_selected"]
            actions["delete_selected"] = (
                fonction,
                nom_action,
                f"Supprimer {self.nom.les} sélectionné{self.nom.e}s",
            )
        return actions

    def action_checkbox(self, obj):
        attrs = {"class": "action-select", "aria-label": f"Cocher « {self.nom.decrire(obj)} »"}
        return CheckboxInput(attrs, lambda value: False).render(admin.helpers.ACTION_CHECKBOX_NAME, str(obj.pk))

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        texte = str(message)
        for gabarit, naturel in _messages_de_django(self.nom):
            trouve = _motif(gabarit).match(texte)
            if trouve:
                # What Django had escaped (a link to the object) stays as it is; a bare name gets escaped.
                sur = isinstance(message, SafeData)
                message = naturel({k: mark_safe(v) if sur else v for k, v in trouve.groupdict().items()})
                break
        return super().message_user(request, message, level, extra_tags, fail_silently)

    def delete_view(self, request, object_id, extra_context=None):
        return super().delete_view(request, object_id, {"nom": self.nom, **(extra_context or {})})

    def get_deleted_objects(self, objs, request):
        """Django's list of what goes with a deletion, each line named in French: "Suivi : Entretien du …"."""
        try:
            obj = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(obj._meta.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()

        def ligne(obj):
            model = obj.__class__
            nom = nom_de(model)
            if model._meta.auto_created:
                # A row of a many-to-many table ("User_groups object (2)"): the two things it links.
                liens = [f for f in model._meta.fields if f.is_relation]
                return f"{capfirst(nom.singulier)} : " + " – ".join(
                    nom_de(f.related_model).decrire(getattr(obj, f.name)) for f in liens
                )
            if self.admin_site.is_registered(model):
                if not self.admin_site.get_model_admin(model).has_delete_permission(request, obj):
                    perms_needed.add(nom.pluriel)
                try:
                    url = reverse(
                        f"{self.admin_site.name}:{model._meta.app_label}_{model._meta.model_name}_change",
                        args=[quote(obj.pk)],
                    )
                except NoReverseMatch:
                    return f"{capfirst(nom.singulier)} : {nom.decrire(obj)}"
                return format_html('{} : <a href="{}">{}</a>', capfirst(nom.singulier), url, nom.decrire(obj))
            return f"{capfirst(nom.singulier)} : {nom.decrire(obj)}"

        a_supprimer = collector.nested(ligne)
        protegees = [ligne(obj) for obj in collector.protected]
        par_modele = {nom_de(model).titre_liste: len(objets) for model, objets in collector.model_objs.items()}
        return a_supprimer, par_modele, perms_needed, protegees

    def get_form(self, request, obj=None, **kwargs):
        # `change` stays in kwargs: UserAdmin.get_form does not take it as a positional argument.
        return formulaire_francais(super().get_form(request, obj, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            # Only what a role can mean: the admin's models and the custom permissions ("voir le bilan"), not the
            # history tables and the libraries' internals ("historical atelier", "access attempt expiration").
            modeles = [ContentType.objects.get_for_model(m) for m in self.admin_site._registry]
            field.queryset = field.queryset.filter(
                Q(content_type__in=modeles) | ~Q(codename__regex=r"^(add|change|delete|view)_")
            )
            field.label_from_instance = libelle_permission
        return field


def unicite_en_francais(erreur: ValidationError) -> ValidationError:
    """ "Il existe déjà un quartier prioritaire avec ce nom", not "Un objet quartier prioritaire avec ce champ…"."""
    if not hasattr(erreur, "error_dict"):
        return erreur
    traduites = {}
    for champ, erreurs in erreur.error_dict.items():
        traduites[champ] = []
        for e in erreurs:
            params = e.params or {}
            if e.code in {"unique", "unique_together"} and "model_class" in params:
                nom = nom_de(params["model_class"])
                libelles = str(params.get("field_label") or params.get("field_labels"))
                libelles = libelles[:1].lower() + libelles[1:]  # Django capitalises the label
                e = ValidationError(
                    f"Il existe déjà {nom.un} avec {'ce' if e.code == 'unique' else 'ces'} « {libelles} ».",
                    code=e.code,
                )
            traduites[champ].append(e)
    return ValidationError(traduites)


class UniciteFrancaiseMixin:
    def validate_unique(self):
        # BaseModelForm.validate_unique, the messages said with the model's name.
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except ValidationError as e:
            self._update_errors(unicite_en_francais(e))


def formulaire_francais(form_class):
    # ModelAdmin.get_form builds a new class on every request already: no cache, which would only grow.
    if issubclass(form_class, UniciteFrancaiseMixin):
        return form_class
    return type(form_class.__name__, (UniciteFrancaiseMixin, form_class), {})


ACTIONS_DE_PERMISSION = {"add": "ajouter", "change": "modifier", "delete": "supprimer", "view": "voir"}


def libelle_permission(permission) -> str:
    """ "Ateliers — ajouter des inscriptions", not "Ateliers | inscription | Can add inscription"."""
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    application = nom_application(apps_registry.get_app_config(model._meta.app_label))
    action, _, modele = permission.codename.partition("_")
    if action in ACTIONS_DE_PERMISSION and modele == model._meta.model_name:
        nom = nom_de(model)
        return f"{application} — {ACTIONS_DE_PERMISSION[action]} {nom.les}"
    return f"{application} — {permission.name}"


class SiteFrancais(admin.AdminSite):
    """The admin site whose every ModelAdmin speaks natural French (FrancaisAdminMixin)."""

    site_header = "CitésLab Carcassonne — administration"
    site_title = "CitésLab Carcassonne"
    index_title = "Tableau de bord"

    _classes: dict[type, type] = {}  # one French class per admin class, however often it is registered

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, FrancaisAdminMixin):
            if admin_class not in self._classes:
                self._classes[admin_class] = type(
                    admin_class.__name__,
                    (FrancaisAdminMixin, admin_class),
                    {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
                )
            admin_class = self._classes[admin_class]
        return super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = nom_application(apps_registry.get_app_config(app["app_label"]))
            for modele in app["models"]:
                modele["name"] = nom_de(modele["model"]).titre_liste
        return apps


class HistoriqueAdmin(SimpleHistoryAdmin):
    """The "Historique" page in French, read-only: restoring a version is off (SIMPLE_HISTORY_REVERT_DISABLED)."""

    def history_view_title(self, request, obj):
        return f"Historique des modifications : {obj}"

    def history_form_view_title(self, request, obj):
        return f"Version enregistrée : {obj}"


class EstimatedCountPaginator(Paginator):
    """An unfiltered list of a big PostgreSQL table takes its size from the planner's statistics.

    COUNT(*) over 100 000 people (a million follow-ups) scans the whole table on every page view; the
    estimate in pg_class is free and close enough to number pages. Filtered lists and small tables,
    and every SQLite database, still get the exact count.
    """

    exact_below = 10_000

    @cached_property
    def count(self):
        qs = self.object_list
        if isinstance(qs, QuerySet) and not qs.query.where and connections[qs.db].vendor == "postgresql":
            with connections[qs.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] >= self.exact_below:
                return row[0]
        return super().count


class LargeTableAdmin(admin.ModelAdmin):
    """Lists that grow to 100 000 rows and more: no COUNT(*) of the whole table, no facet counts."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50


class CachedChoicesMixin:
    """Each inline row renders its own <select>; without this, every row re-runs the choices' query."""

    cached_choice_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in self.cached_choice_fields:
            cache = request.__dict__.setdefault("_admin_choices_cache", {})
            key = (db_field.model, db_field.name)
            if key not in cache:
                cache[key] = list(field.choices)
            field.choices = cache[key]
        return field


APERCU = 20  # rows named on a confirmation page; the rest are counted


def page_de_confirmation(model_admin, request, queryset, *, template: str, titre: str, action: str = "", **contexte):
    """The page that asks before a change: what will happen, to which rows, a button to go on and one to go back.

    The template extends "admin/confirmation_action.html". For an admin action (`action`), the form posts the
    selection back to the same action; otherwise it posts to the page itself. `retour`: where "back" leads
    (the model's list by default).
    """
    nombre = queryset.count()
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "title": titre,
            "opts": model_admin.model._meta,
            "objets": queryset[:APERCU],
            "nombre": nombre,
            "reste": max(nombre - APERCU, 0),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_name": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            **contexte,
        },
    )
