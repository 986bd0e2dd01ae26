"""The import contracts of pyproject.toml: both name the same composing modules of citeslab."""

import tomllib
from pathlib import Path

from django.conf import settings


def test_the_two_layer_contracts_list_the_same_composing_modules():
    pyproject = tomllib.loads(Path(settings.BASE_DIR, "pyproject.toml").read_text())
    contrats = pyproject["tool"]["importlinter"]["contracts"]
    entre_applications, dans_citeslab = contrats[0]["layers"][0], contrats[1]["layers"][0]
    composition = {nom.strip().removeprefix("citeslab.") for nom in entre_applications.split(":")}
    assert composition == {nom.strip() for nom in dans_citeslab.split(":")}
