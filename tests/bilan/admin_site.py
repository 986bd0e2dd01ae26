"""A test-only admin site carrying the streaming mixin, as the integrator will add it to the real admins."""

from django.contrib import admin
from django.urls import include, path

from ateliers.models import Atelier, Inscription
from ateliers.resources import AtelierResource, InscriptionResource
from citeslab.exports import StreamingExportMixin, StreamingImportExportMixin
from porteurs.models import Orientation, Porteur, Suivi
from porteurs.resources import OrientationResource, PorteurResource, SuiviResource

site = admin.AdminSite(name="essai_exports")


@admin.register(Porteur, site=site)
class PorteurAdmin(StreamingImportExportMixin, admin.ModelAdmin):
    resource_classes = [PorteurResource]
    list_filter = ["quartier"]


@admin.register(Suivi, site=site)
class SuiviAdmin(StreamingExportMixin, admin.ModelAdmin):
    resource_classes = [SuiviResource]


@admin.register(Orientation, site=site)
class OrientationAdmin(StreamingExportMixin, admin.ModelAdmin):
    resource_classes = [OrientationResource]


@admin.register(Atelier, site=site)
class AtelierAdmin(StreamingExportMixin, admin.ModelAdmin):
    resource_classes = [AtelierResource]


@admin.register(Inscription, site=site)
class InscriptionAdmin(StreamingExportMixin, admin.ModelAdmin):
    resource_classes = [InscriptionResource]


urlpatterns = [
    path("admin/", admin.site.urls),
    path("essai/", site.urls),
    path("bilan/", include("citeslab.bilan_urls")),
]
