"""Admin building blocks shared by the apps: history pages, big-table lists, cached choices, confirmation pages."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin


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
