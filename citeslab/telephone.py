import phonenumbers
from django.core.exceptions import ValidationError


def normaliser_telephone(value: str) -> str:
    """Validate a phone number and write it the French way ("06 07 44 82 97"; "+44 20 …" when foreign).

    Accepts what people actually type: spaces, dots, dashes, +33, 0033.
    """
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("Ce numéro de téléphone n'est pas valide.", code="telephone_invalide") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "Ce numéro de téléphone n'est pas valide (10 chiffres, par exemple 06 12 34 56 78).",
            code="telephone_invalide",
        )
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
