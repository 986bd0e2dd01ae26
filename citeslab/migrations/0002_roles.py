from django.db import migrations


def apply_roles(apps, schema_editor):
    from citeslab.roles import synchroniser_roles

    synchroniser_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("citeslab", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("permanences", "0001_initial"),
        ("porteurs", "0001_initial"),
        ("ateliers", "0001_initial"),
        ("financement", "0001_initial"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
