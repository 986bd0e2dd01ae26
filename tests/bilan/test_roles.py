from django.contrib.auth.models import Group

from citeslab.roles import AGGLO, CHEF_DE_PROJET


def _perms(nom):
    return set(Group.objects.get(name=nom).permissions.values_list("content_type__app_label", "codename"))


def test_agglo_has_only_the_report(db):
    assert _perms(AGGLO) == {("citeslab", "view_bilan")}


def test_chef_de_projet_can_view_what_the_raw_exports_need(db):
    perms = _perms(CHEF_DE_PROJET)
    for modele in ("porteur", "suivi", "orientation"):
        assert ("porteurs", f"view_{modele}") in perms
    for modele in ("atelier", "inscription"):
        assert ("ateliers", f"view_{modele}") in perms
    assert ("porteurs", "add_porteur") in perms  # import
    assert ("citeslab", "view_bilan") in perms


def test_chef_de_projet_does_not_manage_the_financing(db):
    assert not any(app == "financement" for app, _ in _perms(CHEF_DE_PROJET))


def test_agglo_gets_403_on_the_admin_of_people_and_workshops(agglo_client):
    for url in (
        "/admin/porteurs/porteur/",
        "/admin/porteurs/suivi/",
        "/admin/ateliers/atelier/",
        "/admin/porteurs/porteur/export/",
        "/admin/porteurs/porteur/add/",
    ):
        assert agglo_client.get(url, follow=True).status_code == 403, url
