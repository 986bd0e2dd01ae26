import io
import stat

import pytest
from django.core.management import call_command

from porteurs.models import Porteur, Suivi
from tests.porteurs.factories import PorteurFactory, SuiviFactory


def _rows():
    return (
        sorted(Porteur.objects.values_list("pk", "nom", "prenom", "telephone", "etape")),
        sorted(Suivi.objects.values_list("pk", "porteur_id", "date", "notes")),
    )


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_finds_every_row_again(tmp_path):
    for porteur in PorteurFactory.create_batch(20):
        SuiviFactory.create_batch(3, porteur=porteur)
    before = _rows()
    dump = tmp_path / "sauvegarde"
    call_command("backup", output=str(dump), stdout=io.StringIO())

    Suivi.objects.all().delete()
    Porteur.objects.filter(pk__in=Porteur.objects.values("pk")[:10]).delete()
    PorteurFactory(nom="Ajouté après la sauvegarde")
    assert _rows() != before

    call_command("restore", str(dump), yes=True, stdout=io.StringIO())
    assert _rows() == before


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_readable_by_its_owner_only(tmp_path):
    """It holds every resident's personal data: no other local user may read it, nor list the folder."""
    PorteurFactory()
    dump = tmp_path / "sauvegardes" / "citeslab.dump"
    call_command("backup", output=str(dump), stdout=io.StringIO())
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert stat.S_IMODE(dump.parent.stat().st_mode) == 0o700
