"""Phone numbers, one rule for every form, model and import: written the French way, checked by libphonenumber."""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models

MESSAGE = "Ce numéro de téléphone n'est pas valide : 10 chiffres, par exemple 06 12 34 56 78."


def _analyser(value: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(MESSAGE, code="telephone_invalide") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(MESSAGE, code="telephone_invalide")
    return number


def normaliser_telephone(value: str) -> str:
    """« 06 07 44 82 97 » (« +44 20 … » when foreign), from what people type: spaces, dots, dashes, +33, 0033."""
    value = (value or "").strip()
    if not value:
        return ""
    number = _analyser(value)
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def telephone_international(value: str) -> str:
    """E.164 for a tel: link (« 06 07 44 82 97 » -> « +33607448297 »); "" when the number is not valid."""
    try:
        return phonenumbers.format_number(_analyser(value), phonenumbers.PhoneNumberFormat.E164)
    except ValidationError:
        return ""


class TelInput(forms.TextInput):
    """The phone keypad on a mobile, and the browser's autofill."""

    input_type = "tel"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "tel", "inputmode": "tel", **(attrs or {})})


class ChampTelephone(forms.CharField):
    """Form field: accepts what people type, hands back the number written the French way."""

    widget = TelInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_python(self, value):
        return normaliser_telephone(super().to_python(value))


class TelephoneField(models.CharField):
    """Model field: `full_clean()` writes the number the French way, or says it is not valid."""

    description = "Numéro de téléphone"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def clean(self, value, model_instance):
        # Normalised here rather than in to_python, which also runs on lookups: a search for "06 12" must not raise.
        return super().clean(normaliser_telephone(value), model_instance)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ChampTelephone, **kwargs})
