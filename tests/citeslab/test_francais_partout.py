"""French on every screen staff see: one pass over every admin page, as each role, looking for English or
Django's machine French ("Ajout de atelier", "Sélectionnez l'objet …", "Aucun(e) disponible", "Suivi: #1").

The walk follows admin.site's registry, so a model registered later is walked too. Only what a person reads
is checked: the text of the page, its title, buttons and tooltips, and the labels the inline script shows
("Ajouter un autre suivi"); not URLs, class names or scripts.
"""

import json
import re
from html.parser import HTMLParser

import factory.random
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import TextField
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from citeslab.roles import AGGLO, CHEF_DE_PROJET
from tests.citeslab.test_admin_pages import REGISTERED, ROWS

pytestmark = pytest.mark.django_db

# English words, and Django's generic French built from a model's verbose_name.
INTERDITS = [
    # English
    r"\bSelect\b",
    r"\bAdd\b",
    r"\bChange\b",
    r"\bDelete\b",
    r"\bHistory\b",
    r"\bSave\b",
    r"\bSearch\b",
    r"\bFilter\b",
    r"\bHome\b",
    r"\bLog (?:in|out)\b",
    r"\bView site\b",
    r"\bWelcome\b",
    r"\bGo\b",
    r"\bYes\b",
    r"\bNo, ",
    r"\bAre you sure\b",
    r"\bShow all\b",
    r"\bClear all\b",
    r"\bRemove\b",
    r"\bForbidden\b",
    r"\bNot Found\b",
    r"\bServer Error\b",
    r"\bBad Request\b",
    r"[Tt]his field",
    r"\bEnter a\b",
    r"\bUnknown\b",
    r"\bNone available\b",
    r"\bsuccessfully\b",
    r"\bRecent actions\b",
    r"\bdevices?\b",
    r"\bTask Results?\b",
    r"\bToday\b",
    r"\bChoose\b",
    r"\bCancel\b",
    r"\bSubmit\b",
    r"\bPlease\b",
    r"\bConfirm\b",
    r"\bPassword\b",
    r"\bUsername\b",
    r"\bPrevious\b",
    r"\bNext\b",
    r"\bStatus\b",
    r"\bPriority\b",
    r"\bQueue\b",
    r"\bBackend\b",
    r"\b(?:Enqueued|Started|Finished) at\b",
    r"\bTraceback\b",
    r"\bRun after\b",
    r"\bThrottling\b",
    r"\bexporter va exporter\b",
    r"\bDjango\b",
    r"\b[Hh]istorical\b",
    r"\b[Aa]ccess attempt",
    # Django's French, built from verbose_name without gender or article
    r"[Ll][’']objet\b",
    r"\b[Uu]n (?:autre )?objet\b",
    r"\b[Cc]et objet\b",
    r"\b(?:plusieurs|[Tt]ous les) objets\b",
    r"\bobjets? \w+(?: \w+)? sélectionnés?\b",
    r"^Objets$",
    r"\bCan (?:add|change|delete|view)\b",
    r"\bobject \(\d+\)",
    r"\b[A-Z]\w+_\w+\b",  # a code name shown as text ("Otp_Totp", "User_groups")
    r"Aucun\(e\)",
    r"\bSélectionnez\b",
    r"\bAjout de\b",
    r"\bModification de\b",
    r"#\d",
    r"[^\W\d]:(?:\s|$)",  # an English colon (French puts a space before it)
    r"\bPar à\b",
    r"\bà changer\b",
    r"\bà afficher\b",
    r"\bêtes-vous sûr",
    # Elision: "de atelier", "le inscription", "ce atelier"
    r"\b(?:[Dd]e|[Ll]e|[Ll]a|[Qq]ue|[Nn]e|[Cc]e) (?:[aeiouyéèêàâîôû]\w)",
    # A verb straight before a bare noun: "Ajouter atelier", "Modifier porteur de projet"
    r"\b(?:Ajouter|Modifier|Supprimer) (?!(?:un|une|des|le|la|les|l'|l’|à|au|aux|du|d'|d’|ce|cet|cette|ces|et|"
    r"sur|ou|un autre|une autre|mon|ma|mes)\b)[a-zà-ÿ]",
]
MOTIF = re.compile("|".join(f"(?:{m})" for m in INTERDITS))

ATTRIBUTS_LUS = {"title", "placeholder", "aria-label", "alt"}


class TexteVisible(HTMLParser):
    """What a person reads on the page: text outside scripts and styles, plus titles, buttons and tooltips."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.morceaux: list[str] = []
        self.ignore = 0
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in {"script", "style"}:
            self.ignore += 1
        for nom in ATTRIBUTS_LUS & attrs.keys():
            self.morceaux.append(attrs[nom] or "")
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.morceaux.append(attrs.get("value") or "")
        if "data-inline-formset" in attrs:
            # The inline script turns these into the "add another" link and the "remove" buttons.
            options = json.loads(attrs["data-inline-formset"])["options"]
            self.morceaux += [options.get("addText", ""), options.get("deleteText", "")]

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self.ignore:
            self.ignore -= 1

    def handle_data(self, data):
        if not self.ignore:
            self.morceaux.append(data)


def fautes(html: str) -> list[str]:
    lecteur = TexteVisible()
    lecteur.feed(html)
    trouvees = []
    if lecteur.lang is not None and lecteur.lang != "fr":
        trouvees.append(f'<html lang="{lecteur.lang}">')
    for morceau in lecteur.morceaux:
        texte = " ".join(morceau.split())
        for m in MOTIF.finditer(texte):
            debut = max(m.start() - 30, 0)
            trouvees.append(f"« {m.group(0)} » dans « …{texte[debut : m.end() + 30]}… »")
    return trouvees


def test_the_checker_finds_django_defaults_and_english():
    html = (
        '<html lang="en"><title>Ajout de atelier | Django site admin</title><h1>Sélectionnez l\'objet suivi à '
        "changer</h1><p>Aucun(e) disponible</p><h3>Suivi: #1</h3><script>var Select = 1;</script>"
        '<input type="submit" value="Save"><a href="/x/Delete/">Ajouter porteur de projet</a></html>'
    )
    found = " ".join(fautes(html))
    for attendu in ['lang="en"', "Ajout de", "Django", "Sélectionnez", "Aucun(e)", "#1", "Save", "Ajouter p"]:
        assert attendu in found
    assert "Select »" not in found  # scripts are not read
    assert fautes('<html lang="fr"><h1>Ajouter un atelier</h1><p>Modifier l’inscription « Anne »</p></html>') == []


def _sans_jeton_csrf():
    from django.test import Client

    return Client(enforce_csrf_checks=True).post(reverse("porteurs:contact"), {})


def _pages_du_role(client, user) -> dict[str, object]:
    """Every admin page this user can reach, with the response; intermediate pages of actions included."""
    request = RequestFactory().get("/")
    request.user = user
    pages = {}

    def voir(nom, url, **kwargs):
        pages[nom] = client.get(url, **kwargs)

    voir("accueil de l'administration", reverse("admin:index"))
    voir("changement de mot de passe", reverse("admin:password_change"))
    for model in REGISTERED:
        model_admin = admin.site._registry[model]
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        label = model._meta.label_lower
        if not model_admin.has_view_or_change_permission(request):
            continue
        voir(f"{label} : application", reverse("admin:app_list", args=[model._meta.app_label]))
        voir(f"{label} : liste", reverse(f"admin:{info}_changelist"))
        voir(f"{label} : recherche sans résultat", reverse(f"admin:{info}_changelist") + "?q=zzzzzzzz")
        if model_admin.has_add_permission(request):
            voir(f"{label} : ajout", reverse(f"admin:{info}_add"))
        obj = model_admin.get_queryset(request).first()
        if obj is None:
            continue
        voir(f"{label} : fiche", reverse(f"admin:{info}_change", args=[obj.pk]))
        voir(f"{label} : historique", reverse(f"admin:{info}_history", args=[obj.pk]))
        if model_admin.has_delete_permission(request, obj):
            voir(f"{label} : suppression", reverse(f"admin:{info}_delete", args=[obj.pk]))
        for nom in ("export", "import"):
            try:
                url = reverse(f"admin:{info}_{nom}")
            except NoReverseMatch:
                continue
            voir(f"{label} : {nom}", url)
        for action in model_admin.get_actions(request):
            reponse = client.post(
                reverse(f"admin:{info}_changelist"),
                {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "index": 0},
                follow=True,
            )
            pages[f"{label} : action « {action} »"] = reponse
    if user.has_perm("citeslab.view_bilan"):
        voir("bilan annuel", reverse("bilan:annee", args=[timezone.localdate().year - 1]))
    voir("double authentification", reverse("deux_facteurs"))
    voir("codes de secours", reverse("codes_de_secours"))
    voir("page introuvable", "/admin/porteurs/porteur/999999999/change/", follow=True)
    voir("adresse inconnue", "/cette-page-n-existe-pas/")
    return pages


@override_settings(DEBUG=False)
def test_every_staff_page_is_in_natural_french_for_every_role(
    client, seeded, administrateur, chef, agglo, django_user_model
):
    # The rows' names and free text are Faker's, read by the checker like the interface: a random
    # "Ajouter juste…" in a note failed one CI run. The same names on every run, and the free text written
    # by people replaced by a sentence of ours: the walk judges the portal's words, not the data's.
    factory.random.reseed_random("francais-partout")
    for creer in ROWS.values():
        creer(2)
    for model in apps.get_models():
        libres = [f.name for f in model._meta.concrete_fields if isinstance(f, TextField)]
        if libres and model._meta.app_label in ("porteurs", "ateliers", "rendezvous", "permanences"):
            model._base_manager.update(**dict.fromkeys(libres, "Un entretien sur l’étude de marché."))
    client.raise_request_exception = False  # a 500 is listed with the rest, not raised
    resultats = {}
    for role, user in (("administrateur", administrateur), (CHEF_DE_PROJET, chef), (AGGLO, agglo)):
        client.force_login(user)
        for nom, reponse in _pages_du_role(client, user).items():
            if not reponse["Content-Type"].startswith("text/html"):
                continue
            trouvees = fautes(reponse.content.decode())
            if reponse.status_code >= 500:
                trouvees.append(f"erreur {reponse.status_code}")
            if trouvees:
                resultats[f"{role} — {nom} ({reponse.status_code})"] = trouvees
        client.logout()
    anonyme = {
        "page de connexion": client.get(reverse("admin:login")),
        "formulaire expiré (CSRF)": _sans_jeton_csrf(),
    }
    for _ in range(5):
        anonyme["connexion bloquée"] = client.post(
            reverse("admin:login"), {"username": "chef", "password": "pas le bon mot de passe"}
        )
    assert anonyme["connexion bloquée"].status_code == 429 or "bloqu" in anonyme["connexion bloquée"].content.decode()
    for nom, reponse in anonyme.items():
        trouvees = fautes(reponse.content.decode())
        if "Django" in reponse.content.decode():
            trouvees.append("« Django » dans le titre ou l'en-tête")
        if trouvees:
            resultats[f"anonyme — {nom} ({reponse.status_code})"] = trouvees
    for code in ["400", "403", "403_csrf", "404", "413", "429", "500", "503"]:
        gabarit = f"{code}.html"
        page = render_to_string(gabarit)
        trouvees = fautes(page)
        # In the portal's look (its style sheet and name), with a way back.
        if "css/site.css" not in page or "CitésLab" not in page or "<a href=" not in page:
            trouvees.append("sans l'allure du portail ou sans lien de retour")
        if trouvees:
            resultats[gabarit] = trouvees
    rapport = "\n".join(f"{page}:\n  " + "\n  ".join(dict.fromkeys(t)) for page, t in resultats.items())
    assert not resultats, f"{len(resultats)} pages avec de l'anglais ou du français machinal :\n{rapport}"
