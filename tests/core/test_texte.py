import pytest
from django.core.exceptions import ValidationError

from citeslab.core.texte import est_un_nom, une_ligne, valider_nom, valider_une_ligne

NOMS_VALIDES = [
    "Aïcha",
    "Jean-Pierre",
    "N'Diaye",
    "O’Connor",
    "de La Fontaine",
    "Nguyễn Văn Thành",
    "Jose\u0301",  # é typed as e and a combining accent
    "محمد",
    "Ænéas",
    "Marie\u00a0Claire",  # a no-break space is a space
    "J.-P.",
    "M. Dupont",
    "Louis XIV",
    "Anonyme",
]


@pytest.mark.parametrize("nom", NOMS_VALIDES)
def test_real_names_are_accepted(nom):
    valider_nom(nom)
    assert est_un_nom(nom)


@pytest.mark.parametrize(
    "nom",
    [
        "Visitez http://evil.example/login",
        "hxxp://evil.example",
        "www.evil.example",
        "WWW.EVIL.EXAMPLE",
        "evil.example",
        "Paul evil.example/login",
        "Paul evil。example",
        "contact@evil.example",
        "Paul @evil",
        "Paul 192.0.2.1",
    ],
)
def test_a_name_holding_a_link_or_an_address_is_refused(nom):
    with pytest.raises(ValidationError) as erreur:
        valider_nom(nom)
    assert erreur.value.code == "lien"
    assert erreur.value.messages == ["Un nom ne peut pas contenir d'adresse web ni d'adresse électronique."]
    assert not est_un_nom(nom)


@pytest.mark.parametrize(
    "nom",
    [
        "\u200b",
        "\u200b\u200c\u200d",
        "\ufeff",
        "\u2060",
        "\u00ad",
        "\u3164",  # Hangul filler: a "letter" for Unicode, drawn as nothing
        "\u115f\u1160",
        "\uffa0",
    ],
)
def test_a_name_made_only_of_invisible_characters_is_refused(nom):
    with pytest.raises(ValidationError) as erreur:
        valider_nom(nom)
    assert erreur.value.code == "caractere_invisible"
    assert "invisible" in erreur.value.messages[0]


@pytest.mark.parametrize("controle", [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)])
def test_a_name_with_a_bidirectional_control_is_refused(controle):
    with pytest.raises(ValidationError) as erreur:
        valider_nom(f"Paul{controle}txt.exe")
    assert erreur.value.code == "caractere_invisible"


@pytest.mark.parametrize("caractere", ["\u200b", "\r", "\n", "\t", "\x00", "\x1b", "\u2028", "\u2029", "\x85"])
def test_a_name_with_a_control_or_zero_width_character_inside_is_refused(caractere):
    with pytest.raises(ValidationError):
        valider_nom(f"Pa{caractere}ul")


@pytest.mark.parametrize("nom", ["-2+3", "1234", "...", "— —", "😀"])
def test_a_name_needs_a_letter(nom):
    with pytest.raises(ValidationError) as erreur:
        valider_nom(nom)
    assert erreur.value.code == "sans_lettre"
    assert erreur.value.messages == ["Un nom doit contenir au moins une lettre."]


def test_est_un_nom_does_not_raise_on_anything():
    assert not est_un_nom("")
    assert not est_un_nom(None)


@pytest.mark.parametrize(
    "texte", ["Atelier\r\nBcc: x@evil.example", "Atelier\tÉmergence", "Atelier\x00", "Atelier\u202eenil", "A\u2028B"]
)
def test_valider_une_ligne_refuses_line_breaks_controls_and_invisible_characters(texte):
    with pytest.raises(ValidationError) as erreur:
        valider_une_ligne(texte)
    assert erreur.value.code == "caractere_controle"
    assert "une seule ligne" in erreur.value.messages[0]


def test_valider_une_ligne_accepts_an_ordinary_title():
    valider_une_ligne("Atelier Émergence : « Trouver son idée » — n° 3 (9 h – 12 h)")


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Atelier\r\nÉmergence", "Atelier Émergence"),
        ("  Atelier \t\t Émergence \n", "Atelier Émergence"),
        ("Atelier\u2028\u2029Émergence", "Atelier Émergence"),
        ("Ate\u200blier\u202e Émergence\x00", "Atelier Émergence"),
        ("Atelier Émergence", "Atelier Émergence"),
        ("", ""),
    ],
)
def test_une_ligne_collapses_white_space_and_drops_invisible_characters(texte, attendu):
    assert une_ligne(texte) == attendu
