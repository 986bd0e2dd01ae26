"""Every field that looks personal has a rule: erased, kept on purpose (the reports count it), or public data."""

import pytest
from django.apps import apps
from django.db import models

from citeslab.core.donnees_personnelles import registre
from citeslab.core.telephone import TelephoneField

APPLICATIONS = ("permanences", "porteurs", "ateliers", "rendezvous", "financement", "citeslab")
MOTS_PERSONNELS = ("nom", "prenom", "naissance", "adresse", "telephone", "email", "notes", "commentaire", "idee")


def semble_personnel(champ) -> bool:
    """A name, a phone, an e-mail, a birth date, an address, or free text."""
    if isinstance(champ, models.EmailField | TelephoneField | models.TextField):
        return True
    if isinstance(champ, models.SlugField) or getattr(champ, "choices", None):
        return False
    if any(mot in champ.name for mot in MOTS_PERSONNELS):
        return True
    # Longer than a code or a label: a name, a title or a sentence someone typed.
    return isinstance(champ, models.CharField) and champ.max_length >= 100


def modeles_du_projet():
    for label in APPLICATIONS:
        for model in apps.get_app_config(label).get_models():
            if not model._meta.model_name.startswith("historical"):  # covered with their model
                yield model


def regles(model) -> set[str]:
    noms = set()
    for declaration in registre.declarations:
        if declaration.modele is model:
            noms |= set(declaration.effacer) | set(declaration.conserver)
    return noms | set(registre.publiques.get(model, ((), ""))[0])


@pytest.mark.parametrize("model", list(modeles_du_projet()), ids=lambda m: m._meta.label)
def test_every_field_that_looks_personal_has_an_anonymisation_rule(model):
    sans_regle = [c.name for c in model._meta.concrete_fields if semble_personnel(c) and c.name not in regles(model)]
    assert not sans_regle, (
        f"{model._meta.label} : {sans_regle} semblent personnels. Déclarez-les dans le registre "
        "(citeslab.core.donnees_personnelles) : à effacer, à conserver, ou données publiques."
    )


def test_every_rule_names_a_real_field():
    for declaration in registre.declarations:
        champs = {c.name for c in declaration.modele._meta.concrete_fields}
        assert set(declaration.effacer) | set(declaration.conserver) <= champs, declaration.modele
    for model, (noms, _) in registre.publiques.items():
        assert set(noms) <= {c.name for c in model._meta.concrete_fields}, model


def test_the_detector_sees_a_new_free_text_or_contact_field():
    """The test above can fail: a field added tomorrow is caught without anyone listing it."""
    assert semble_personnel(models.TextField(name="remarques"))
    assert semble_personnel(models.CharField(name="nom_du_conjoint", max_length=50))
    assert semble_personnel(TelephoneField(name="portable"))
    assert semble_personnel(models.DateField(name="date_de_naissance_enfant"))
    assert not semble_personnel(models.CharField(name="statut", max_length=10, choices=[("a", "A")]))
