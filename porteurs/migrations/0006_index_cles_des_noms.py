"""On PostgreSQL, an index on the folded names (citeslab.core.texte.Cle): finding a likely duplicate by name is
an index lookup instead of folding 100 000 names on every check. SQLite folds with a Python function that only
the portal's connections know: an index there would make the database unwritable by anything else."""

from django.db import migrations
from django.db.models import F, Index

from citeslab.core.texte import Cle

NOM = "porteur_cles_noms_idx"


def creer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Porteur = apps.get_model("porteurs", "Porteur")
    schema_editor.add_index(Porteur, Index(Cle(F("nom")), Cle(F("prenom")), name=NOM))


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{NOM}"')


class Migration(migrations.Migration):
    dependencies = [("porteurs", "0005_noms_valides")]

    operations = [migrations.RunPython(creer, supprimer, elidable=False)]
