"""The chef de projet's daily work: enter a person fast, log follow-ups, move people along the path."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Max, Min
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from citeslab.core import audit
from citeslab.core.admin import CachedChoicesMixin, HistoriqueAdmin, LargeTableAdmin, page_de_confirmation
from citeslab.core.exports import StreamingExportMixin, StreamingImportExportMixin
from citeslab.core.imports_correspondance import ImportAvecCorrespondanceMixin
from citeslab.core.telephone import normaliser_telephone
from permanences.models import HORS_QPV, Quartier
from permanences.planning import creneau_du_moment
from porteurs import rgpd, services
from porteurs.admin_forms import ChangerEtapeForm, PorteurAdminForm, PorteurAjoutForm, PorteurSuiviAdminForm
from porteurs.doublons import doublons_possibles
from porteurs.models import ChangementEtape, Etape, Orientation, Partenaire, Porteur, Suivi, condition_des_noms
from porteurs.resources import OrientationResource, PorteurResource, SuiviResource

# Filters of the person list


class QuartierFilter(admin.SimpleListFilter):
    title = "quartier"
    parameter_name = "quartier"
    HORS_QPV = "hors_qpv"

    def lookups(self, request, model_admin):
        return [(str(q.pk), q.nom) for q in Quartier.objects.all()] + [(self.HORS_QPV, HORS_QPV)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.HORS_QPV:
            return queryset.filter(quartier__isnull=True)
        if value and value.isdigit():
            return queryset.filter(quartier_id=int(value))
        return queryset


class AnneePremierContactFilter(admin.SimpleListFilter):
    title = "année du premier contact"
    parameter_name = "annee"

    def lookups(self, request, model_admin):
        # MIN and MAX come from the index; DISTINCT over the years would scan 100 000 rows on every view.
        bounds = Porteur.objects.aggregate(first=Min("date_premier_contact"), last=Max("date_premier_contact"))
        if bounds["first"] is None:
            return []
        return [(str(year), str(year)) for year in range(bounds["last"].year, bounds["first"].year - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            year = int(value)
            # A range, not __year, so the index on date_premier_contact serves it.
            return queryset.filter(
                date_premier_contact__gte=datetime.date(year, 1, 1),
                date_premier_contact__lt=datetime.date(year + 1, 1, 1),
            )
        return queryset


class ARelancerFilter(admin.SimpleListFilter):
    title = "à relancer"
    parameter_name = "a_relancer"

    def lookups(self, request, model_admin):
        return [
            ("oui", "Oui (date passée ou aujourd'hui)"),
            ("a_venir", "Plus tard"),
            ("non", "Aucune relance prévue"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "oui":
                return queryset.a_relancer(today)
            case "a_venir":
                return queryset.filter(relance_le__gt=today)
            case "non":
                return queryset.filter(relance_le__isnull=True)
        return queryset


class AnonymisationFilter(admin.SimpleListFilter):
    """Who the purge will anonymise soon, so the chef de projet can call back those still in the path."""

    title = "anonymisation (RGPD)"
    parameter_name = "anonymisation"
    DANS_30_JOURS = "30_jours"
    JOURS = 30

    def lookups(self, request, model_admin):
        return [(self.DANS_30_JOURS, f"Anonymisation dans les {self.JOURS} jours"), ("faite", "Déjà anonymisées")]

    def queryset(self, request, queryset):
        match self.value():
            case self.DANS_30_JOURS:
                return queryset.filter(pk__in=rgpd.bientot_anonymises(self.JOURS).values("pk"))
            case "faite":
                return queryset.filter(anonymise_le__isnull=False)
        return queryset


# The person's page


class SuiviInline(CachedChoicesMixin, admin.StackedInline):
    """Today's follow-ups, still open to a correction; older ones are read-only on the page (their own page
    edits them), and a new one is typed in the "Nouveau suivi" form at the top."""

    model = Suivi
    extra = 0
    fields = [("date", "type"), ("lieu", "duree_minutes"), "notes", "prochaine_etape", "relance_le"]
    cached_choice_fields = ("lieu",)
    verbose_name = "suivi d'aujourd'hui"
    verbose_name_plural = "suivis d'aujourd'hui (modifiables)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(date=timezone.localdate()).order_by("-cree_le")

    def has_add_permission(self, request, obj=None):
        return False


class ChangementEtapeInline(admin.TabularInline):
    """The history is written by stage changes, never typed: read-only here."""

    model = ChangementEtape
    extra = 0
    fields = ["date", "etape", "commentaire", "auteur"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "historique des étapes (du plus récent au plus ancien)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("auteur").order_by("-date", "-cree_le")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrientationInline(CachedChoicesMixin, admin.TabularInline):
    model = Orientation
    extra = 0
    fields = ["date", "partenaire", "objet", "resultat"]
    cached_choice_fields = ("partenaire",)
    verbose_name_plural = "orientations vers les partenaires"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partenaire")


def appliquer_relance_des_suivis(*, porteur, suivis):
    """The newest follow-up saved sets the person's call-back date, as services.enregistrer_suivi does."""
    if not suivis:
        return
    dernier = max(suivis, key=lambda s: (s.date, s.pk))
    services.reporter_relance(porteur=porteur, suivi=dernier)


@admin.register(Porteur)
class PorteurAdmin(ImportAvecCorrespondanceMixin, StreamingImportExportMixin, HistoriqueAdmin, LargeTableAdmin):
    resource_classes = [PorteurResource]
    form = PorteurAdminForm
    list_display = [
        "nom",
        "prenom",
        "telephone",
        "quartier_ou_hors_qpv",
        "etape",
        "date_premier_contact",
        "relance",
    ]
    list_display_links = ["nom", "prenom"]
    list_select_related = ["quartier"]
    list_filter = [
        "etape",
        QuartierFilter,
        "genre",
        "situation",
        "source",
        AnneePremierContactFilter,
        ARelancerFilter,
        AnonymisationFilter,
    ]
    search_fields = ["nom", "prenom", "telephone", "email"]
    search_help_text = "Nom, prénom, téléphone (sous n'importe quelle forme) ou adresse électronique."
    ordering = ["nom", "prenom"]
    # ateliers adds the person's workshop registrations (ateliers.admin): this app does not know workshops.
    inlines = [SuiviInline, ChangementEtapeInline, OrientationInline]
    actions = ["passer_a_l_etape", "exporter_donnees_personnelles", "anonymiser_maintenant"]
    save_on_top = True

    class Media:
        css = {"all": ["porteurs/admin.css"]}

    ESSENTIELS = ["prenom", "nom", "telephone", "email", "quartier", "genre", "idee"]
    SITUATION = ["date_naissance", "situation", "secteur", "source", "date_premier_contact"]
    COORDONNEES = ["adresse", "consentement_le"]

    NOUVEAU_SUIVI = [
        ("suivi_date", "suivi_type"),
        ("suivi_lieu", "suivi_duree_minutes"),
        "suivi_notes",
        "suivi_prochaine_etape",
        ("suivi_relance_le", "etape"),
    ]
    SUIVIS_MONTRES = 5  # the last follow-ups shown; the next ones folded, the rest in the follow-up list
    SUIVIS_REPLIES = 45

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is None or not Suivi.objects.filter(porteur=obj, date=timezone.localdate()).exists():
            # No follow-up today: no empty "suivis d'aujourd'hui" box (new ones are typed in "Nouveau suivi").
            return [inline for inline in inlines if inline is not SuiviInline]
        return inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return super().get_form(request, obj, change=change, form=PorteurAjoutForm, **kwargs)
        form = super().get_form(request, obj, change=change, form=PorteurSuiviAdminForm, **kwargs)
        # Where the chef de projet is now: the place of the follow-up he is about to type.
        creneau = creneau_du_moment(timezone.localtime().replace(tzinfo=None))

        class Form(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, lieu=creneau.lieu if creneau else None, **kw)
                self.creneau = creneau

        return Form

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # Entering a new person: the essentials, everything else folded away; once likely duplicates were
            # shown (a POST), the box that says "another person".
            confirmation = [(None, {"fields": ["creer_malgre_doublon"]})] if request.method == "POST" else []
            return [
                (None, {"fields": self.ESSENTIELS}),
                ("Parcours", {"classes": ["collapse"], "fields": ["etape", "relance_le"]}),
                ("Situation et projet", {"classes": ["collapse"], "fields": self.SITUATION}),
                ("Adresse et consentement", {"classes": ["collapse"], "fields": self.COORDONNEES}),
                *confirmation,
            ]
        return [
            ("Nouveau suivi", {"fields": self.NOUVEAU_SUIVI, "classes": ["nouveau-suivi"]}),
            ("La personne", {"fields": self.ESSENTIELS}),
            (
                "Parcours",
                {
                    "classes": ["collapse"],
                    "fields": [("date_changement_etape", "commentaire_etape"), "relance_le"],
                    "description": "Changer l'étape (dans « Nouveau suivi ») ajoute une ligne datée à "
                    "l'historique, à la date du suivi ou, sans suivi, à la date indiquée ici.",
                },
            ),
            ("Situation et projet", {"classes": ["collapse"], "fields": self.SITUATION}),
            ("Adresse et consentement", {"classes": ["collapse"], "fields": self.COORDONNEES}),
        ]

    @admin.display(description="quartier", ordering="quartier__nom")
    def quartier_ou_hors_qpv(self, obj):
        return obj.quartier.nom if obj.quartier_id else HORS_QPV

    @admin.display(description="à relancer le", ordering="relance_le")
    def relance(self, obj):
        if obj.relance_le is None:
            return "—"
        text = date_format(obj.relance_le, "SHORT_DATE_FORMAT")
        if obj.a_relancer:
            return format_html('<strong title="Date de relance passée">{} ⚠</strong>', text)
        return text

    def get_search_results(self, request, queryset, search_term):
        filtered = queryset
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Phones are stored normalised ("06 07 44 82 97"): "0607448297" or "+33 6 07…" finds them too.
        try:
            telephone = normaliser_telephone(search_term)
        except ValidationError:
            telephone = ""
        if telephone:
            queryset |= filtered.filter(telephone=telephone)
        elif search_term.strip():
            # "elodie" finds "Élodie", "jean pierre" finds "Jean-Pierre".
            if (noms := condition_des_noms(search_term)) is not None:
                queryset |= filtered.filter(noms)
        return queryset, may_have_duplicates

    def get_urls(self):
        return [
            path(
                "recherche/",
                self.admin_site.admin_view(self.recherche_view),
                name="porteurs_porteur_recherche",
            ),
        ] + super().get_urls()

    RESULTATS = 20

    def recherche_view(self, request):
        """The dashboard's "Trouver une personne": posted, so that no name or number ends up in a URL or a log.

        One match opens the person's page straight away; several are listed, each a link to their page.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        texte = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
        resultats = None
        if texte:
            resultats = list(
                Porteur.objects.recherche(texte)
                .select_related("quartier")
                .order_by("nom", "prenom", "pk")[: self.RESULTATS + 1]
            )
            if len(resultats) == 1:
                return HttpResponseRedirect(reverse("admin:porteurs_porteur_change", args=[resultats[0].pk]))
        return TemplateResponse(
            request,
            "admin/porteurs/porteur/recherche.html",
            {
                **self.admin_site.each_context(request),
                "title": "Trouver une personne",
                "opts": self.model._meta,
                "texte": texte,
                "resultats": resultats[: self.RESULTATS] if resultats is not None else None,
                "plus": resultats is not None and len(resultats) > self.RESULTATS,
                "peut_ajouter": self.has_add_permission(request),
            },
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            aujourd_hui = timezone.localdate()
            passes = list(
                Suivi.objects.filter(porteur=obj)
                .exclude(date=aujourd_hui)
                .select_related("lieu", "auteur")
                .order_by("-date", "-cree_le")[: self.SUIVIS_MONTRES + self.SUIVIS_REPLIES + 1]
            )
            total = len(passes)
            if total > self.SUIVIS_MONTRES + self.SUIVIS_REPLIES:
                total = Suivi.objects.filter(porteur=obj).exclude(date=aujourd_hui).count()
            context.update(
                suivis_recents=passes[: self.SUIVIS_MONTRES],
                suivis_replies=passes[self.SUIVIS_MONTRES : self.SUIVIS_MONTRES + self.SUIVIS_REPLIES],
                suivis_total=total,
                suivis_liste=reverse("admin:porteurs_suivi_changelist") + f"?porteur__id__exact={obj.pk}",
                # Records that look like this person (from the contact form, an import…): linked, never merged.
                fiches_semblables=doublons_possibles(
                    prenom=obj.prenom,
                    nom=obj.nom,
                    telephone=obj.telephone,
                    email=obj.email,
                    date_naissance=obj.date_naissance,
                    exclure_pk=obj.pk,
                ),
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def response_change(self, request, obj):
        if PorteurSuiviAdminForm.BOUTON in request.POST:
            self.message_user(request, f"Suivi enregistré pour {obj}.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            services.ouvrir_historique(porteur=obj, auteur=request.user)
            return
        if form.suivi_demande:
            nouvelle = obj.etape if "etape" in form.changed_data else None
            obj.etape = form.initial["etape"]
            super().save_model(request, obj, form, change)
            champs = form.champs_suivi()
            creneau = form.creneau
            if creneau and champs["lieu"] == creneau.lieu and champs["date"] == creneau.date:
                champs["permanence"] = creneau.permanence
            services.consigner_suivi(
                porteur=obj,
                auteur=request.user,
                etape=nouvelle,
                commentaire_etape=form.cleaned_data.get("commentaire_etape", ""),
                **champs,
            )
            return
        if "etape" in form.changed_data:
            nouvelle = obj.etape
            # Save the rest first with the old stage, then let the service write the stage and its dated row.
            obj.etape = form.initial["etape"]
            super().save_model(request, obj, form, change)
            services.changer_etape(
                porteur=obj,
                etape=nouvelle,
                date=form.cleaned_data.get("date_changement_etape"),
                commentaire=form.cleaned_data.get("commentaire_etape", ""),
                auteur=request.user,
            )
            obj.etape = nouvelle
            return
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Suivi:
            return super().save_formset(request, form, formset, change)
        suivis = formset.save(commit=False)
        for suivi in suivis:
            if suivi.pk is None:
                suivi.auteur = request.user
            suivi.save()
        for suivi in formset.deleted_objects:
            suivi.delete()
        formset.save_m2m()
        if formset.deleted_objects or any("relance_le" in champs for _, champs in formset.changed_objects):
            services.recalculer_relances(porteur_pks=[form.instance.pk])
            form.instance.refresh_from_db(fields=["relance_le"])
        else:
            appliquer_relance_des_suivis(porteur=form.instance, suivis=formset.new_objects)

    @admin.action(description="Passer à l'étape…", permissions=["change"])
    def passer_a_l_etape(self, request, queryset):
        form = ChangerEtapeForm(request.POST if "appliquer" in request.POST else None)
        if form.is_bound and form.is_valid():
            n = services.changer_etape_en_masse(
                porteurs=queryset,
                etape=form.cleaned_data["etape"],
                date=form.cleaned_data["date"],
                commentaire=form.cleaned_data["commentaire"],
                auteur=request.user,
            )
            etape = Etape(form.cleaned_data["etape"]).label
            if n:
                self.message_user(
                    request,
                    f"{n} personne{'s' if n > 1 else ''} passée{'s' if n > 1 else ''} à l'étape « {etape} ».",
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, f"Les personnes choisies sont déjà à l'étape « {etape} ».", messages.INFO)
            return None
        return page_de_confirmation(
            self,
            request,
            queryset,
            template="admin/porteurs/porteur/passer_a_l_etape.html",
            titre="Passer à l'étape…",
            action="passer_a_l_etape",
            form=form,
            media=self.media + form.media,
        )

    @admin.action(description="Exporter toutes les données de la personne (droit d'accès)", permissions=["change"])
    def exporter_donnees_personnelles(self, request, queryset):
        # A request comes from one person (or a family): "select all" here would be a raw export in disguise.
        if queryset[: rgpd.DROIT_D_ACCES_MAX + 1].count() > rgpd.DROIT_D_ACCES_MAX:
            self.message_user(
                request,
                f"Le droit d'accès s'exerce personne par personne : choisissez au plus {rgpd.DROIT_D_ACCES_MAX} "
                "personnes.",
                messages.ERROR,
            )
            return None
        content, nombre = rgpd.export_droit_d_acces(queryset)
        audit.export(request, "droit d'accès", "json", nombre)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        # No name in the file name: it ends up in download folders and mail subjects.
        filename = f"donnees-personnelles-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description="Anonymiser maintenant (droit à l'effacement)", permissions=["change"])
    def anonymiser_maintenant(self, request, queryset):
        queryset = queryset.filter(anonymise_le__isnull=True)
        if "confirmer" in request.POST:
            pks = list(queryset.values_list("pk", flat=True))
            n = rgpd.anonymiser(pks)
            if n:
                audit.anonymisation(request, pks)
                self.message_user(
                    request,
                    f"{n} personne{'s' if n > 1 else ''} anonymisée{'s' if n > 1 else ''} : nom, coordonnées, "
                    "notes et historique effacés.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, "Les personnes choisies étaient déjà anonymisées.", messages.INFO)
            return None
        return page_de_confirmation(
            self,
            request,
            queryset,
            template="admin/porteurs/porteur/anonymiser_maintenant.html",
            titre="Anonymiser maintenant (droit à l'effacement)",
            action="anonymiser_maintenant",
        )


@admin.register(Suivi)
class SuiviAdmin(StreamingExportMixin, HistoriqueAdmin, LargeTableAdmin):
    resource_classes = [SuiviResource]
    list_display = ["date", "porteur", "type", "lieu", "duree_minutes", "relance_le", "auteur"]
    list_select_related = ["porteur", "lieu", "auteur"]
    list_filter = ["type", "lieu"]
    search_fields = ["porteur__nom", "porteur__prenom"]
    search_help_text = "Nom ou prénom de la personne."
    date_hierarchy = "date"
    autocomplete_fields = ["porteur"]
    fields = [
        "porteur",
        ("date", "type"),
        ("lieu", "permanence"),
        "duree_minutes",
        "notes",
        "prochaine_etape",
        "relance_le",
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.auteur = request.user
        super().save_model(request, obj, form, change)
        if not change:
            services.reporter_relance(porteur=obj.porteur, suivi=obj)
        elif {"relance_le", "date", "porteur"} & set(form.changed_data):
            anciens = [form.initial.get("porteur")] if "porteur" in form.changed_data else []
            services.recalculer_relances(porteur_pks=[obj.porteur_id, *anciens])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.recalculer_relances(porteur_pks=[obj.porteur_id])

    def delete_queryset(self, request, queryset):
        porteurs = set(queryset.values_list("porteur_id", flat=True))
        super().delete_queryset(request, queryset)
        services.recalculer_relances(porteur_pks=porteurs)


@admin.register(ChangementEtape)
class ChangementEtapeAdmin(LargeTableAdmin):
    """The history is written by stage changes; a date or a comment may be corrected, not the stage."""

    list_display = ["date", "porteur", "etape", "commentaire", "auteur"]
    list_select_related = ["porteur", "auteur"]
    list_filter = ["etape"]
    search_fields = ["porteur__nom", "porteur__prenom"]
    date_hierarchy = "date"
    fields = ["porteur", "etape", "date", "commentaire", "auteur"]
    readonly_fields = ["porteur", "etape", "auteur"]

    def has_add_permission(self, request):
        return False


@admin.register(Orientation)
class OrientationAdmin(StreamingExportMixin, HistoriqueAdmin, LargeTableAdmin):
    resource_classes = [OrientationResource]
    list_display = ["date", "porteur", "partenaire", "objet", "resultat"]
    list_select_related = ["porteur", "partenaire"]
    list_filter = ["partenaire", "resultat"]
    search_fields = ["porteur__nom", "porteur__prenom", "objet"]
    date_hierarchy = "date"
    autocomplete_fields = ["porteur"]


@admin.register(Partenaire)
class PartenaireAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle", "actif"]
    list_filter = ["actif"]
    search_fields = ["nom", "sigle"]
    # Django 6 defaults to https; say so now rather than let 5.2 warn on every form.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
