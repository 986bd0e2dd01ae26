"""The chef de projet sees, marks and cancels appointments (citeslab.roles.ROLES says the same for later syncs).

Self-contained rather than calling citeslab.roles.synchroniser_roles: an app's migration does not import the
composing layer (import-linter contract).
"""

from django.db import migrations

CHEF_DE_PROJET = "Chef de projet"
ACTIONS = ("view", "change", "delete")


def donner_les_droits(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("rendezvous")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groupe, _ = Group.objects.get_or_create(name=CHEF_DE_PROJET)
    groupe.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="rendezvous", codename__in=[f"{a}_rendezvous" for a in ACTIONS]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("rendezvous", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(donner_les_droits, migrations.RunPython.noop)]
