"""The two staff roles, as Django groups with exactly the permissions they need.

The administrator is a superuser. Roles are (re)applied by data migrations through `synchroniser_roles`,
so a deployment never depends on someone ticking boxes in the admin.
"""

CHEF_DE_PROJET = "Chef de projet"
AGGLO = "Agglo"

ALL = ("add", "change", "delete", "view")

ROLES = {
    CHEF_DE_PROJET: {
        "porteurs": {
            "porteur": ALL,
            "suivi": ALL,
            "changementetape": ALL,
            "orientation": ALL,
            "partenaire": ("view",),
        },
        "ateliers": {"atelier": ALL, "inscription": ALL},
        # Booked on the public site only (the admin offers no "add"): the chef de projet marks and cancels.
        "rendezvous": {"rendezvous": ("view", "change", "delete")},
        "permanences": {
            "permanence": ALL,
            "fermeture": ALL,
            "lieu": ("view",),
            "quartier": ("view",),
            "bureau": ("view", "change"),
        },
        "citeslab": {"bilan": ("view_bilan",)},
    },
    AGGLO: {
        "citeslab": {"bilan": ("view_bilan",)},
    },
}


def codenames(actions, model):
    return [action if "_" in action else f"{action}_{model}" for action in actions]


def synchroniser_roles(apps):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; a data migration needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, by_app in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for app_label, by_model in by_app.items():
            for model, actions in by_model.items():
                try:
                    apps.get_model(app_label, model)
                except LookupError:
                    # An app whose tables come after this migration (rendezvous): its own migration grants them.
                    continue
                for codename in codenames(actions, model):
                    wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
