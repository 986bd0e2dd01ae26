"""On PostgreSQL, trigram indexes on the folded names (citeslab.core.texte.Cle): « elodie » finding « Élodie »
in the dashboard's search and in the people list is an index scan, not 100 000 names folded per search
(694 ms at 100 000 people, bench/README.md). pg_trgm was installed by 0003."""

from django.db import migrations
from django.db.models import F
from django.db.models.sql import Query

from citeslab.core.texte import Cle

NOMS = {"nom": "porteur_cle_nom_trgm_idx", "prenom": "porteur_cle_prenom_trgm_idx"}


def creer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Porteur = apps.get_model("porteurs", "Porteur")
    compiler = Query(Porteur).get_compiler(connection=schema_editor.connection)
    for champ, nom in NOMS.items():
        # The very expression the ORM writes for Cle(F(champ)), so that the planner matches it to the index.
        sql, params = compiler.compile(Cle(F(champ)).resolve_expression(compiler.query))
        expression = sql % tuple(schema_editor.quote_value(p) for p in params)
        schema_editor.execute(
            f'CREATE INDEX "{nom}" ON "{Porteur._meta.db_table}" USING gin (({expression}) gin_trgm_ops)'
        )


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for nom in NOMS.values():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{nom}"')


class Migration(migrations.Migration):
    dependencies = [("porteurs", "0006_index_cles_des_noms")]

    operations = [migrations.RunPython(creer, supprimer, elidable=False)]
