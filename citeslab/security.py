"""Views of the security mechanisms: the second factor, the CSRF failure page and the health check."""

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import admin
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import DatabaseError, connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label="Code à 6 chiffres",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].replace(" ", "")
        allowed, details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError("Trop d'essais incorrects : patientez quelques secondes avant de réessayer.")
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError("Code incorrect ou expiré. Saisissez le code affiché en ce moment.")
        return token


class DeuxFacteursView(LoginRequiredMixin, FormView):
    """Enrol an authenticator app (QR code) the first time, then ask for its code at every login."""

    form_class = CodeForm
    template_name = "registration/deux_facteurs.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            devices = TOTPDevice.objects.devices_for_user(request.user, confirmed=None)
            self.device = next((d for d in devices if d.confirmed), None) or next(iter(devices), None)
            if self.device is None:
                self.device = TOTPDevice.objects.create(
                    user=request.user, name="Application d'authentification", confirmed=False
                )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        context = {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}
        context["enrolement"] = not self.device.confirmed
        context["title"] = "Double authentification"
        if context["enrolement"]:
            image = qrcode.make(self.device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
            context["qr_svg"] = image.to_string(encoding="unicode")
            context["secret"] = _base32(self.device.bin_key)
        return context

    def form_valid(self, form):
        if not self.device.confirmed:
            self.device.confirmed = True
            self.device.save(update_fields=["confirmed"])
        otp_login(self.request, self.device)
        target = self.request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            target = resolve_url("admin:index")
        return HttpResponseRedirect(target)


def _base32(key: bytes) -> str:
    from base64 import b32encode

    secret = b32encode(key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


@never_cache
def healthz(request):
    """For the proxy and monitoring: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"statut": "indisponible", "base_de_donnees": False}, status=503)
    return JsonResponse({"statut": "ok", "base_de_donnees": True})
