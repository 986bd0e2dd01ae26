import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from ateliers import emargement, services
from ateliers.models import Atelier, Inscription
from ateliers.resources import AtelierResource, InscriptionResource
from citeslab.core import audit
from citeslab.core.admin import HistoriqueAdmin, page_de_confirmation
from citeslab.core.exports import StreamingExportMixin
from porteurs.admin import PorteurAdmin


class PeriodeFilter(admin.SimpleListFilter):
    title = "période"
    parameter_name = "periode"

    def lookups(self, request, model_admin):
        return [("a_venir", "À venir"), ("passes", "Passés")]

    def queryset(self, request, queryset):
        if self.value() == "a_venir":
            return queryset.a_venir()
        if self.value() == "passes":
            return queryset.passes()
        return queryset


class InscriptionFormSet(BaseInlineFormSet):
    """The admin may move people between statuses, but not confirm more people than there are seats.

    Seats taken on the public site since the page was shown count too: the workshop is locked while checking,
    and stays locked until the admin's transaction saves the registrations.
    """

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        gardees = [
            form for form in self.forms if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        confirmees = sum(1 for form in gardees if form.cleaned_data.get("statut") == Inscription.Statut.CONFIRMEE)
        try:
            _, ailleurs = services.places_prises(
                atelier_pk=self.instance.pk, sauf=[form.instance.pk for form in self.forms]
            )
        except services.InscriptionImpossible as exc:
            raise ValidationError(str(exc)) from exc
        capacite = self.instance.capacite
        if capacite and confirmees + ailleurs > capacite:
            raise ValidationError(
                f"{confirmees + ailleurs} inscriptions confirmées pour {capacite} places : augmentez le nombre de "
                "places ou passez des inscriptions en liste d'attente."
            )


class InscriptionAdminForm(forms.ModelForm):
    """A registration entered or changed on its own page: confirmed only while the workshop has a free seat."""

    class Meta:
        model = Inscription
        fields = ["atelier", "prenom", "nom", "telephone", "email", "quartier", "statut", "present", "porteur"]

    def clean(self):
        cleaned = super().clean()
        atelier = cleaned.get("atelier")
        if atelier is None or cleaned.get("statut") != Inscription.Statut.CONFIRMEE:
            return cleaned
        try:
            atelier, prises = services.places_prises(atelier_pk=atelier.pk, sauf=[self.instance.pk])
        except services.InscriptionImpossible as exc:
            raise ValidationError(str(exc)) from exc
        if prises >= atelier.capacite:
            self.add_error(
                "statut",
                f"Cet atelier est complet ({atelier.capacite} places confirmées) : inscrivez la personne en liste "
                "d'attente, ou augmentez d'abord le nombre de places de l'atelier.",
            )
        return cleaned


class InscriptionInline(admin.TabularInline):
    model = Inscription
    formset = InscriptionFormSet
    extra = 0
    fields = ["prenom", "nom", "telephone", "email", "quartier", "statut", "present", "porteur", "fiche_porteur"]
    readonly_fields = ["fiche_porteur"]
    raw_id_fields = ["porteur"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("porteur", "quartier")

    @admin.display(description="fiche")
    def fiche_porteur(self, inscription):
        if not inscription.pk:
            return "—"
        if inscription.porteur_id:
            url = reverse("admin:porteurs_porteur_change", args=[inscription.porteur_id])
            return format_html('<a href="{}">Voir la fiche</a>', url)
        url = reverse("admin:ateliers_inscription_creer_porteur", args=[inscription.pk])
        return format_html('<a href="{}">Créer la fiche porteur</a>', url)


class InscriptionsDuPorteurInline(admin.TabularInline):
    """A person's registrations, listed on their page; they are managed on the workshop's page."""

    model = Inscription
    extra = 0
    fields = ["atelier", "statut", "present"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "inscriptions aux ateliers"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("atelier").order_by("-atelier__debut")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# porteurs knows nothing of workshops; the person's page shows their registrations because this app says so.
PorteurAdmin.inlines = [*PorteurAdmin.inlines, InscriptionsDuPorteurInline]


@admin.register(Atelier)
class AtelierAdmin(StreamingExportMixin, HistoriqueAdmin):
    resource_classes = [AtelierResource]
    list_display = [
        "titre",
        "theme",
        "quand",
        "lieu",
        "places",
        "attente",
        "presents",
        "public",
        "inscriptions_ouvertes",
    ]
    list_select_related = ["lieu"]
    list_filter = [PeriodeFilter, "theme", "public", "inscriptions_ouvertes", "lieu"]
    search_fields = ["titre"]
    date_hierarchy = "debut"
    fieldsets = [
        (
            None,
            {"fields": ["titre", "theme", ("debut", "fin"), "lieu", "capacite", "public", "inscriptions_ouvertes"]},
        ),
        ("Présentation sur le site", {"fields": ["description"], "classes": ["collapse"]}),
    ]
    inlines = [InscriptionInline]
    actions = ["dupliquer"]
    change_form_template = "admin/ateliers/atelier/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).avec_effectifs()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Seats added or registrations cancelled here go to the waiting list, as on the public site.
        promues = services.remplir_places_libres(atelier=form.instance)
        if promues:
            s = "s" if len(promues) > 1 else ""
            self.message_user(
                request,
                f"{len(promues)} personne{s} de la liste d'attente confirmée{s} et prévenue{s} par courriel.",
                messages.INFO,
            )

    @admin.display(description="date", ordering="debut")
    def quand(self, atelier):
        debut = timezone.localtime(atelier.debut)
        return f"{debut:%d/%m/%Y}, {atelier.horaires}"

    @admin.display(description="places prises", ordering="nb_confirmees")
    def places(self, atelier):
        return f"{atelier.nb_confirmees} / {atelier.capacite}"

    @admin.display(description="liste d'attente", ordering="nb_attente")
    def attente(self, atelier):
        return atelier.nb_attente

    @admin.display(description="présents", ordering="nb_presents")
    def presents(self, atelier):
        return atelier.nb_presents if atelier.est_commence else "—"

    @admin.action(description="Dupliquer une semaine plus tard (sans les inscriptions)")
    def dupliquer(self, request, queryset):
        copies = [
            Atelier(
                titre=atelier.titre,
                theme=atelier.theme,
                description=atelier.description,
                # Local wall-clock arithmetic: 9 h stays 9 h across a daylight-saving change.
                debut=timezone.localtime(atelier.debut) + datetime.timedelta(days=7),
                fin=timezone.localtime(atelier.fin) + datetime.timedelta(days=7),
                lieu_id=atelier.lieu_id,
                capacite=atelier.capacite,
                public=atelier.public,
                inscriptions_ouvertes=atelier.inscriptions_ouvertes,
            )
            for atelier in queryset.order_by("debut")
        ]
        copies = Atelier.objects.bulk_create(copies)
        if len(copies) == 1 and copies[0].pk:
            self.message_user(request, "Atelier dupliqué : vérifiez sa date et enregistrez.", messages.SUCCESS)
            return redirect("admin:ateliers_atelier_change", copies[0].pk)
        self.message_user(request, f"{len(copies)} ateliers dupliqués une semaine plus tard.", messages.SUCCESS)
        return None

    def get_urls(self):
        vue = self.admin_site.admin_view
        return [
            path("<int:pk>/emargement/", vue(self.emargement_html), name="ateliers_atelier_emargement"),
            path("<int:pk>/emargement.xlsx", vue(self.emargement_xlsx), name="ateliers_atelier_emargement_xlsx"),
        ] + super().get_urls()

    def _atelier_visible(self, request, pk):
        atelier = get_object_or_404(Atelier.objects.select_related("lieu"), pk=pk)
        if not self.has_view_permission(request, atelier):
            raise PermissionDenied
        return atelier

    def emargement_html(self, request, pk):
        atelier = self._atelier_visible(request, pk)
        audit.export(request, f"émargement atelier {atelier.pk}", "html")
        contexte = {
            **self.admin_site.each_context(request),
            "atelier": atelier,
            "lignes": emargement.lignes(atelier),
            "lignes_vides": range(emargement.LIGNES_VIDES),
            "title": f"Feuille d'émargement — {atelier.titre}",
        }
        return TemplateResponse(request, "admin/ateliers/emargement.html", contexte)

    def emargement_xlsx(self, request, pk):
        atelier = self._atelier_visible(request, pk)
        audit.export(request, f"émargement atelier {atelier.pk}", "xlsx")
        return emargement.reponse_xlsx(atelier)


@admin.register(Inscription)
class InscriptionAdmin(StreamingExportMixin, HistoriqueAdmin):
    resource_classes = [InscriptionResource]
    form = InscriptionAdminForm
    list_display = ["prenom", "nom", "atelier", "statut", "present", "porteur", "cree_le"]
    list_select_related = ["atelier", "porteur"]
    list_filter = ["statut", "present", "atelier__theme"]
    search_fields = ["nom", "prenom", "email", "telephone"]
    raw_id_fields = ["atelier", "porteur"]
    readonly_fields = ["cree_le", "rappel_envoye_le"]
    actions = ["creer_porteurs", "annuler"]

    def has_creer_porteur_permission(self, request):
        return self.has_change_permission(request) and request.user.has_perm("porteurs.add_porteur")

    @admin.action(description="Créer la fiche porteur (venu par un atelier)", permissions=["creer_porteur"])
    def creer_porteurs(self, request, queryset):
        crees, ignorees, a_corriger = 0, [], []
        for inscription in queryset.filter(porteur__isnull=True).select_related("atelier"):
            if services.porteurs_existants(inscription):
                ignorees.append(inscription)
                continue
            try:
                services.creer_porteur_depuis_inscription(inscription=inscription, auteur=request.user)
            except ValidationError:
                a_corriger.append(inscription)
                continue
            crees += 1
        if a_corriger:
            self.message_user(
                request,
                f"{len(a_corriger)} inscription(s) dont le nom ou les coordonnées ne sont pas valides : corrigez-les "
                "sur la page de l'inscription, puis recommencez.",
                messages.ERROR,
            )
        if crees:
            self.message_user(request, f"{crees} fiche(s) porteur créée(s).", messages.SUCCESS)
        if ignorees:
            noms = ", ".join(f"{i.prenom} {i.nom}" for i in ignorees)
            self.message_user(
                request,
                "Fiche possiblement existante (mêmes nom et prénom, téléphone ou courriel) : ouvrez « Créer la fiche "
                f"porteur » de chaque inscription pour la lier en un clic : {noms}.",
                messages.WARNING,
            )

    @admin.action(description="Annuler (la place va à la liste d'attente)", permissions=["change"])
    def annuler(self, request, queryset):
        promues = [services.annuler(inscription=inscription) for inscription in queryset.exclude(statut="annulee")]
        nb_promues = sum(1 for p in promues if p)
        self.message_user(
            request,
            f"{len(promues)} inscription(s) annulée(s), {nb_promues} personne(s) de la liste d'attente confirmée(s).",
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/creer-porteur/",
                self.admin_site.admin_view(self.creer_porteur_view),
                name="ateliers_inscription_creer_porteur",
            ),
        ] + super().get_urls()

    def creer_porteur_view(self, request, pk):
        """From a line of the workshop's registrations: confirm, then create the person and link them."""
        inscription = get_object_or_404(Inscription.objects.select_related("atelier", "porteur"), pk=pk)
        if not self.has_creer_porteur_permission(request):
            raise PermissionDenied
        retour = reverse("admin:ateliers_atelier_change", args=[inscription.atelier_id])
        if inscription.porteur_id:
            self.message_user(request, "Cette inscription est déjà liée à une fiche porteur.", messages.INFO)
            return redirect(retour)
        existants = services.porteurs_existants(inscription)
        if request.method == "POST" and request.POST.get("porteur"):
            # The main choice when the person looks known: one button per likely match, no number to type.
            choisi = next((d.porteur for d in existants if str(d.porteur.pk) == request.POST["porteur"]), None)
            if choisi is None:
                self.message_user(request, "Cette fiche ne correspond pas à l'inscription.", messages.ERROR)
                return redirect(request.path)
            services.lier_au_porteur(inscription=inscription, porteur=choisi)
            lien = reverse("admin:porteurs_porteur_change", args=[choisi.pk])
            self.message_user(
                request,
                format_html('Inscription liée à la fiche <a href="{}">{}</a>.', lien, choisi),
                messages.SUCCESS,
            )
            return redirect(retour)
        if request.method == "POST":
            try:
                porteur = services.creer_porteur_depuis_inscription(inscription=inscription, auteur=request.user)
            except ValidationError as exc:
                self.message_user(
                    request,
                    "La fiche ne peut pas être créée : " + " ".join(exc.messages) + " Corrigez l'inscription d'abord.",
                    messages.ERROR,
                )
                return redirect(retour)
            lien = reverse("admin:porteurs_porteur_change", args=[porteur.pk])
            self.message_user(
                request, format_html('Fiche porteur créée : <a href="{}">{}</a>.', lien, porteur), messages.SUCCESS
            )
            return redirect(retour)
        return page_de_confirmation(
            self,
            request,
            Inscription.objects.filter(pk=inscription.pk).select_related("atelier"),
            template="admin/ateliers/inscription/creer_porteur.html",
            titre="Créer la fiche porteur",
            inscription=inscription,
            existants=existants,
            retour=retour,
        )
