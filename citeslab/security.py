"""Views of the security mechanisms: the second factor, the CSRF failure page and the health check."""

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import admin
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import DatabaseError, connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from citeslab.core import audit

CODES_DE_SECOURS = 10
SESSION_CODES = "codes_de_secours_a_montrer"


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label="Code à 6 chiffres",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, device, secours=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.secours = list(secours)  # the backup codes, once the application is enrolled
        self.device_utilise = None

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].replace(" ", "").lower()
        for device in [self.device, *self.secours]:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                raise forms.ValidationError(
                    "Trop d'essais incorrects : patientez quelques secondes avant de réessayer."
                )
        if token.isdigit() and self.device.verify_token(token):
            self.device_utilise = self.device
        else:
            # A backup code is used up by this check (django-otp's static tokens).
            self.device_utilise = next((d for d in self.secours if d.verify_token(token)), None)
        if self.device_utilise is None:
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
        secours = StaticDevice.objects.devices_for_user(self.request.user) if self.device.confirmed else []
        return {**super().get_form_kwargs(), "device": self.device, "secours": secours}

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
        premiere_fois = not self.device.confirmed
        if premiere_fois:
            self.device.confirmed = True
            self.device.save(update_fields=["confirmed"])
        otp_login(self.request, form.device_utilise)
        if isinstance(form.device_utilise, StaticDevice):
            audit.securite(self.request, "code de secours utilisé", self.request.user)
        target = self.request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            target = resolve_url("admin:index")
        if premiere_fois:
            # With a new application come new backup codes, shown once on the next page.
            self.request.session[SESSION_CODES] = generer_codes_de_secours(self.request.user)
            audit.securite(self.request, "codes de secours générés", self.request.user)
            return HttpResponseRedirect(reverse("codes_de_secours"))
        return HttpResponseRedirect(target)


def generer_codes_de_secours(user) -> list[str]:
    """Ten one-time codes for the day the phone is lost; any earlier ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Codes de secours", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(CODES_DE_SECOURS)]
    device.token_set.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def reinitialiser_deux_facteurs(request, user) -> None:
    """The administrator's answer to a lost phone: the next login enrols a new application."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.securite(request, "double authentification réinitialisée", user)


class CodesDeSecoursView(LoginRequiredMixin, TemplateView):
    """The backup codes, once: taken out of the session as they are shown."""

    template_name = "registration/codes_de_secours.html"

    def get_context_data(self, **kwargs):
        return {
            **admin.site.each_context(self.request),
            **super().get_context_data(**kwargs),
            "title": "Codes de secours",
            "codes": self.request.session.pop(SESSION_CODES, []),
        }


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
