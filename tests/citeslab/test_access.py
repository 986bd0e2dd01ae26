"""Who may see what: every URL pattern of the project, requested as each role, against one table.

The patterns come from the URL resolver, so a URL added without a rule here fails
`test_every_url_pattern_has_an_access_rule` with its name. Admin model pages are not typed out: what each
role may do follows from the permissions citeslab/roles.py gives its group (the administrator is a superuser).
"""

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ateliers import signatures
from citeslab.roles import AGGLO, CHEF_DE_PROJET, ROLES, codenames
from rendezvous.signatures import jeton as jeton_rdv
from tests.citeslab.test_admin_pages import ROWS

ROLE_FIXTURES = {"anonyme": None, "agglo": AGGLO, "chef": CHEF_DE_PROJET, "administrateur": "superuser"}

# Pages anyone reaches, logged in or not.
PUBLIC = {
    "accueil",
    "mentions_legales",
    "donnees_personnelles",
    "accessibilite",
    "facile_a_lire",
    "data_inclusion",
    "healthz",
    "permanences:semaine",
    "permanences:ics",
    "permanences:affiche",
    "permanences:affiche_pdf",
    "porteurs:contact",
    "porteurs:merci",
    "ateliers:liste",
    "ateliers:detail",
    "ateliers:ics",
    "ateliers_ics",
    # A registration's own page and its cancellation, reached through the signed link of its e-mail
    "ateliers:inscription",
    "ateliers:annulation",
    # Appointments: booking without an account, then the signed link of the confirmation
    "rendezvous:lieux",
    "rendezvous:reserver",
    "rendezvous:detail",
    "rendezvous:annuler",
    "rendezvous:deplacer",
    "rendezvous:ics",
}

# The yearly report: whoever holds the permission, whatever their role.
BILAN = {"bilan:index", "bilan:annee", "bilan:telecharger"}

# Concrete arguments of the non-admin patterns that take some, from the objects the test created.
KWARGS = {
    "ateliers:detail": lambda o: {"pk": o["ateliers.atelier"].pk},
    "ateliers:ics": lambda o: {"pk": o["ateliers.atelier"].pk},
    "ateliers:inscription": lambda o: {"jeton": signatures.jeton(o["ateliers.inscription"])},
    "ateliers:annulation": lambda o: {"jeton": signatures.jeton(o["ateliers.inscription"])},
    "rendezvous:reserver": lambda o: {"pk": o["rendezvous.rendezvous"].permanence.lieu_id},
    "rendezvous:detail": lambda o: {"jeton": jeton_rdv(o["rendezvous.rendezvous"])},
    "rendezvous:annuler": lambda o: {"jeton": jeton_rdv(o["rendezvous.rendezvous"])},
    "rendezvous:deplacer": lambda o: {"jeton": jeton_rdv(o["rendezvous.rendezvous"])},
    "rendezvous:ics": lambda o: {"jeton": jeton_rdv(o["rendezvous.rendezvous"])},
    "bilan:annee": lambda o: {"annee": 2019},
    "bilan:telecharger": lambda o: {"annee": 2019, "fmt": "xlsx"},
}

# Pages outside the admin for any logged-in staff member (the login redirect for anonymous users).
STAFF = {"deux_facteurs", "codes_de_secours"}

# Admin views that need one model permission, by the suffix of their URL name.
MODEL_VIEWS = {
    "changelist": ("view", "change"),
    "change": ("view", "change"),
    "history": ("view", "change"),
    "simple_history": ("view", "change"),  # one version of the row, read-only (SIMPLE_HISTORY_REVERT_DISABLED)
    "add": ("add",),
    "delete": ("delete",),
    # Extra views some third-party admins add
    "password_change": ("change",),  # auth.user: set another user's password
    "config": ("change",),  # otp_totp: the device's secret, as a QR code or a URL
    "qrcode": ("change",),
    "recherche": ("view", "change"),  # porteurs: the dashboard's "Trouver une personne"
    "emargement": ("view", "change"),  # ateliers: the attendance sheet, as a page or xlsx
    "emargement_xlsx": ("view", "change"),
    "export": ("view",),  # raw exports: IMPORT_EXPORT_EXPORT_PERMISSION_CODE
    "import": ("add",),
}

# Views that only take a POST: a GET is refused before anything else (their POST is tested below).
POST_ONLY = {"process_import"}

# Admins that refuse a view to everyone, superuser included (rows written by the system, not typed).
REFUSED_TO_ALL = {
    ("porteurs.changementetape", "add"),
    ("financement.contribution", "add"),  # typed in the convention's page, so the total is checked
    ("axes.accessattempt", "add"),
    ("axes.accesslog", "add"),
    ("axes.accessfailurelog", "add"),
    ("django_tasks_database.dbtaskresult", "add"),  # tasks are queued by the portal, kept for the record
    ("django_tasks_database.dbtaskresult", "delete"),
    ("rendezvous.rendezvous", "add"),  # booked through the public page's service, which checks and locks the time
}

LOGIN = "login"  # a 302 to the admin's login page, with ?next=


@dataclass(frozen=True)
class Route:
    key: str  # the URL name, or a made-up one for the admin's unnamed patterns
    url: str
    model: str | None = None  # app_label.model_name of an admin model page
    view: str | None = None


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace and (f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns or namespace)
        else:
            assert isinstance(pattern, URLPattern)
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern


def _registered():
    return {m._meta.label_lower: m for m in admin.site._registry}


def _admin_model_view(name):
    """admin:porteurs_porteur_change → ("porteurs.porteur", "change"), for registered models only."""
    for label, model in _registered().items():
        stem = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(stem):
            return label, name.removeprefix(stem)
    return None, None


def routes(objects=None):
    """One concrete URL per pattern; `objects` maps a model label to a saved instance (None: URLs unused)."""
    objects = objects or {}

    def pk(label):
        obj = objects.get(label)
        return str(obj.pk) if obj is not None else "1"

    found = []
    for route, name, pattern in _walk(get_resolver().url_patterns):
        model_admin = getattr(pattern.callback, "model_admin", None)
        if name is None and model_admin is not None and route.endswith("<path:object_id>/"):
            label = model_admin.model._meta.label_lower
            url = "/" + route.replace("<path:object_id>", pk(label))
            found.append(Route(f"admin:{label.replace('.', '_')}_redirect", url, label, "redirect"))
        elif name is None and route == "admin/(?P<url>.*)$":
            found.append(Route("admin:catch_all", "/admin/page-inconnue/"))
        elif name == "admin:app_list":
            for app_label in re.search(r"\(\?P<app_label>([^)]*)\)", route).group(1).split("|"):
                found.append(Route(f"admin:app_list:{app_label}", reverse(name, kwargs={"app_label": app_label})))
        elif name == "admin:view_on_site":
            ct = ContentType.objects.get_for_model(_registered()["porteurs.porteur"]) if objects else None
            kwargs = {"content_type_id": ct.pk if ct else 1, "object_id": pk("porteurs.porteur")}
            found.append(Route(name, reverse(name, kwargs=kwargs)))
        elif name is not None and name.startswith("admin:") and _admin_model_view(name)[0]:
            label, view = _admin_model_view(name)
            if view == "simple_history":
                # django-simple-history's re_path takes the object's id and one of its history rows' ids.
                obj = objects.get(label)
                version = obj.history.order_by("history_id").last().history_id if obj is not None else 1
                found.append(Route(name, reverse(name, args=[pk(label), version]), label, view))
                continue
            kwargs = {converter_name: pk(label) for converter_name in pattern.pattern.converters}
            found.append(Route(name, reverse(name, kwargs=kwargs), label, view))
        elif name in KWARGS:
            found.append(Route(name, reverse(name, kwargs=KWARGS[name](objects)) if objects else "/" + route))
        elif name is not None and not pattern.pattern.converters:
            url = reverse(name)
            if name == "admin:autocomplete":
                url += "?app_label=porteurs&model_name=suivi&field_name=porteur&term=a"
            found.append(Route(name, url))
        else:
            found.append(Route(name or route, "/" + route))
    return found


def permissions(role):
    if role == "superuser":
        return None  # every permission
    return {
        f"{app_label}.{codename}"
        for app_label, by_model in ROLES.get(role, {}).items()
        for model, actions in by_model.items()
        for codename in codenames(actions, model)
    }


def _may(perms, label, actions):
    if perms is None:
        return True
    app_label, model_name = label.split(".")
    return any(f"{app_label}.{action}_{model_name}" in perms for action in actions)


def expected(route: Route, role):
    """The status (or LOGIN) a role gets on a route; None when the table has no rule for it."""
    anonymous = role is None
    perms = permissions(role)
    if route.key in PUBLIC:
        return 200
    if route.key == "favicon":
        return 301  # permanent redirect to the static icon, for everyone
    if route.key in STAFF:
        return LOGIN if anonymous else 200
    if route.key == "aujourdhui":
        # The chef de projet's day: whoever may add people and follow-ups
        if anonymous:
            return LOGIN
        return 200 if perms is None or {"porteurs.add_porteur", "porteurs.add_suivi"} <= perms else 403
    if route.key in BILAN:
        if anonymous:
            return LOGIN
        allowed = perms is None or "citeslab.view_bilan" in perms
        return (302 if route.key == "bilan:index" else 200) if allowed else 403
    if not route.key.startswith("admin:"):
        return None
    # The admin: anonymous users are sent to its login page, except from the login page itself, and
    # a logout without a session goes back to the index (which then asks to log in).
    if route.key == "admin:login":
        return 200 if anonymous else 302
    if route.key == "admin:logout":
        return 302 if anonymous else 405  # a GET never logs out (CSRF): the admin's button POSTs
    if anonymous:
        return LOGIN
    if route.key in {"admin:index", "admin:password_change", "admin:password_change_done", "admin:jsi18n"}:
        return 200
    if route.key == "admin:catch_all":
        return 404
    if route.key == "admin:view_on_site":
        return 404  # a person has no public page: nothing to redirect to, for anyone
    if route.key == "admin:autocomplete":
        return 200 if _may(perms, "porteurs.porteur", ("view", "change")) else 403
    if route.key.startswith("admin:app_list:"):
        app_label = route.key.rsplit(":", 1)[1]
        # An app whose models the user may not see does not exist for them.
        if perms is None or any(p.startswith(f"{app_label}.") for p in perms):
            return 200 if app_label in {m._meta.app_label for m in _registered().values()} else 404
        return 404
    if route.model is None:
        return None
    if route.view == "redirect":
        return 302  # to the change page, which applies the permission
    if route.view in POST_ONLY:
        return 405
    if route.view == "import_suivi":
        # The page of a queued import: its id is unknown to anyone but who launched it, staff or not.
        return 404
    if route.view == "creer_porteur":
        # ateliers: a person's record from a registration needs both rights
        return 200 if _may(perms, route.model, ("change",)) and _may(perms, "porteurs.porteur", ("add",)) else 403
    if route.view not in MODEL_VIEWS:
        return None
    if (route.model, route.view) in REFUSED_TO_ALL:
        return 403
    return 200 if _may(perms, route.model, MODEL_VIEWS[route.view]) else 403


def test_every_url_pattern_has_an_access_rule():
    missing = sorted({r.key for r in routes() for role in ROLE_FIXTURES.values() if expected(r, role) is None})
    assert not missing, (
        "These URL patterns have no rule in tests/citeslab/test_access.py (say who may reach them): "
        + ", ".join(missing)
    )


def test_the_table_covers_the_admin_of_every_registered_model():
    models = {r.model for r in routes() if r.model}
    assert models == set(_registered())


@pytest.fixture
def one_of_each(db):
    objects = {}
    for label, model in _registered().items():
        assert label in ROWS, f"{label} is registered in the admin: add a factory for it to ROWS in test_admin_pages"
        ROWS[label](1)
        objects[label] = model.objects.order_by("-pk").first()
    return objects


def _outcome(response, wanted):
    if wanted == LOGIN:
        return LOGIN if response.status_code == 302 and response["Location"].startswith("/admin/login/") else None
    if wanted == 302 and response.status_code == 302:
        # Allowed redirects stay in the area the user may be in (no bounce to the login page).
        return 302 if not response["Location"].startswith("/admin/login/") else LOGIN
    return response.status_code


@pytest.mark.parametrize("role_name", list(ROLE_FIXTURES))
def test_every_url_answers_each_role_as_the_table_says(role_name, client, request, one_of_each):
    role = ROLE_FIXTURES[role_name]
    if role is not None:
        client.force_login(request.getfixturevalue(role_name))
    mismatches = []
    for route in routes(one_of_each):
        wanted = expected(route, role)
        if wanted is None:
            continue  # reported by test_every_url_pattern_has_an_access_rule
        response = client.get(route.url)
        got = _outcome(response, wanted)
        if got != wanted:
            location = f" → {response['Location']}" if response.status_code in (301, 302) else ""
            mismatches.append(f"{route.key} {route.url}: {response.status_code}{location}, expected {wanted}")
    assert not mismatches, f"{role_name}:\n" + "\n".join(mismatches)


def test_anonymous_users_reach_only_public_pages_and_forms():
    reachable = {r.key for r in routes() if expected(r, None) == 200}
    assert reachable == PUBLIC | {"admin:login"}


def test_only_those_who_may_add_people_can_post_an_import(client, agglo, chef, one_of_each):
    url = reverse("admin:porteurs_porteur_process_import")
    client.force_login(agglo)
    assert client.post(url, {}).status_code == 403
    client.force_login(chef)
    # Allowed through, then refused for the missing form data (no import happens).
    assert client.post(url, {}).status_code != 403
