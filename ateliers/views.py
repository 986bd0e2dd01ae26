from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, ListView
from django.views.generic.edit import FormMixin
from django_ratelimit.decorators import ratelimit

from ateliers import feeds, services, signatures
from ateliers.forms import InscriptionForm
from ateliers.models import Atelier, Inscription
from citeslab.core.client import cle_limite


class AtelierListView(ListView):
    context_object_name = "ateliers"

    def get_queryset(self):
        return Atelier.objects.publics().a_venir().avec_effectifs().select_related("lieu")


class AtelierDetailView(FormMixin, DetailView):
    form_class = InscriptionForm
    context_object_name = "atelier"

    def get_queryset(self):
        return Atelier.objects.publics().avec_effectifs().select_related("lieu")

    # Counted per client address, valid or not: a script hammering the form is stopped either way.
    @method_decorator(
        ratelimit(key=cle_limite, rate=settings.ATELIERS_INSCRIPTIONS_PAR_ADRESSE, method="POST", block=False)
    )
    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            response = render(request, "429.html", status=429)
            response["Retry-After"] = "60"
            return response
        self.object = self.get_object()
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            inscription = services.inscrire(atelier=self.object, **form.cleaned_data)
        except services.InscriptionImpossible as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        return redirect("ateliers:inscription", signatures.jeton(inscription))


class JetonMixin:
    """Resolve the signed token of the URL, or answer with a French page saying why the link does not work."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.inscription = signatures.inscription_du_jeton(kwargs["jeton"])
        except signatures.LienExpire:
            return render(request, "ateliers/lien_invalide.html", {"expire": True}, status=410)
        except signatures.LienInvalide:
            return render(request, "ateliers/lien_invalide.html", {"expire": False}, status=404)
        return super().dispatch(request, *args, **kwargs)

    def contexte(self):
        return {"inscription": self.inscription, "atelier": self.inscription.atelier, "jeton": self.kwargs["jeton"]}


class InscriptionView(JetonMixin, View):
    """What the resident sees after registering, and again from the link in their e-mail."""

    def get(self, request, jeton):
        return render(
            request,
            "ateliers/inscription_detail.html",
            {**self.contexte(), "rang": self.inscription.rang_en_attente()},
        )


class AnnulationView(JetonMixin, View):
    """GET asks for confirmation (mail scanners follow links); only POST cancels."""

    def get(self, request, jeton):
        return render(request, "ateliers/inscription_annuler.html", self.contexte())

    def post(self, request, jeton):
        if self.inscription.statut == Inscription.Statut.ANNULEE:
            return render(request, "ateliers/inscription_annuler.html", self.contexte())
        if self.inscription.atelier.est_commence:
            return render(request, "ateliers/inscription_annuler.html", self.contexte(), status=410)
        services.annuler(inscription=self.inscription)
        self.inscription.refresh_from_db(fields=["statut"])
        return render(request, "ateliers/inscription_annulee.html", self.contexte())


def _ics(contenu: bytes, nom_fichier: str | None = None) -> HttpResponse:
    response = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    if nom_fichier:
        response["Content-Disposition"] = f'attachment; filename="{nom_fichier}"'
    return response


class CalendrierView(View):
    """All upcoming public workshops, as a feed a calendar application can subscribe to."""

    def get(self, request):
        ateliers = Atelier.objects.publics().a_venir().select_related("lieu")
        return _ics(feeds.calendrier(ateliers))


class AtelierCalendrierView(View):
    def get(self, request, pk):
        atelier = get_object_or_404(Atelier.objects.publics().select_related("lieu"), pk=pk)
        return _ics(feeds.calendrier([atelier], nom=atelier.titre), nom_fichier=f"atelier-{atelier.pk}.ics")
