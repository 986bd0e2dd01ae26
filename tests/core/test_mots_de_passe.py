"""Passwords a French speaker picks first are refused: common French passwords, keyboard walks, the town's name."""

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from citeslab.core.validators import FrenchPasswordValidator

# What AUTH_PASSWORD_VALIDATORS holds in settings.py (the report of the review says which lines to add).
VALIDATEURS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "citeslab.core.validators.FrenchPasswordValidator"},
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
ZXCVBN = {"PASSWORD_MINIMAL_STRENGTH": 3, "PASSWORD_EXTRA_DICTIONARY": ["CitésLab", "Carcassonne"]}

FAIBLES = ["123456789012", "azertyuiopqs", "motdepasse12", "Carcassonne2024"]
CORRECTS = [
    "cheval-agrafe-pile-correcte",
    "une phrase de passe longue",
    "Mon vélo bleu dort au garage",
    "k7#Vq9!mZp2x",
]


def refuse(password, validateur=None, user=None):
    try:
        if validateur is None:
            validate_password(password, user)
        else:
            validateur.validate(password, user)
    except ValidationError as exc:
        return exc.messages
    return None


@pytest.mark.parametrize("password", FAIBLES)
def test_weak_passwords_of_the_review_are_refused_by_the_proposed_validators(password):
    with override_settings(AUTH_PASSWORD_VALIDATORS=VALIDATEURS, **ZXCVBN):
        assert refuse(password)


@pytest.mark.parametrize("password", CORRECTS)
def test_a_decent_passphrase_is_accepted_by_the_proposed_validators(password):
    with override_settings(AUTH_PASSWORD_VALIDATORS=VALIDATEURS, **ZXCVBN):
        assert refuse(password) is None


@pytest.mark.parametrize("password", FAIBLES)
def test_the_french_validator_alone_refuses_them(password):
    assert refuse(password, FrenchPasswordValidator())


@pytest.mark.parametrize(
    "password",
    [
        "wxcvbnwxcvbn",  # AZERTY bottom row, twice
        "wxcvbnqsdfgh",  # AZERTY, bottom row then middle row: zxcvbn alone accepts it
        "1aqw2zsx3edc",  # AZERTY columns
        "1qaz2wsx3edc",  # QWERTY columns
        "&é\"'(-è_çà)=",  # AZERTY digit row without Shift
        "AZERTYazerty",
        "poiuytrezaqs",  # backwards
        "qsdfghjklm12",
        "abcdefghijkl",
        "987654321098",
        "aaaaaaaaaaaa",
        "soleilsoleil",
        "J3t41m3123456",  # leet
        "marseille2013!",
        "Ch0c0lat-Fraise",
        "citeslab-2025",
        "Carcassonne11000",
        "ozanam123456",
    ],
)
def test_french_habits_and_keyboard_walks_are_refused(password):
    validateur = FrenchPasswordValidator(site_words=["CitésLab", "Carcassonne", "La Conte / Ozanam"])
    assert refuse(password, validateur)


@pytest.mark.parametrize("password", CORRECTS + ["Ma grand-mère aimait les 4 saisons", "tournesol-kayak-brume"])
def test_passphrases_and_random_strings_are_accepted(password):
    assert refuse(password, FrenchPasswordValidator()) is None


def test_the_user_s_own_names_count_as_guessable(db):
    user = User(username="mbenali", first_name="Mounia", last_name="Benali", email="mounia.benali@exemple.fr")
    assert refuse("Benali-Mounia-1987", FrenchPasswordValidator(), user)
    assert refuse("Benali-Mounia-1987", FrenchPasswordValidator()) is None


def test_the_refusal_says_why_in_french_with_french_typography():
    messages = refuse("poiuytreza2024!", FrenchPasswordValidator())
    assert messages == [
        "Ce mot de passe est trop facile à deviner\xa0: il repose sur une suite de touches du clavier "
        "et une année. Une phrase de quelques mots sans rapport entre eux est plus sûre et plus facile à retenir."
    ]
    messages = refuse("Carcassonne2024", FrenchPasswordValidator())
    assert "le nom de la ville ou du portail et une année" in messages[0]
    assert "un mot de passe courant" in refuse("motdepasse12", FrenchPasswordValidator())[0]


def test_the_help_text_is_french():
    with override_settings(AUTH_PASSWORD_VALIDATORS=[{"NAME": "citeslab.core.validators.FrenchPasswordValidator"}]):
        (aide,) = password_validators_help_texts()
    assert aide.startswith("Évitez les mots de passe courants")


def test_a_very_long_password_is_checked_quickly():
    import time

    debut = time.perf_counter()
    refuse("azerty" * 200, FrenchPasswordValidator())
    refuse("".join(chr(0x41 + (i * 7) % 50) for i in range(1000)), FrenchPasswordValidator())
    assert time.perf_counter() - debut < 0.5
