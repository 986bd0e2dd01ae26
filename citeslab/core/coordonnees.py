"""The contact details every public form asks for: one wording for one mistake, whichever form it is made in.

A resident who leaves out their first name on the "j'ai un projet" form and then on a workshop registration
reads the same sentence twice; the phone number's message lives beside its rule in `telephone.py`, a name's
in `texte.py`.
"""

from django import forms
from django.core.exceptions import ValidationError

MESSAGES_PRENOM = {"required": "Indiquez votre prénom."}
MESSAGES_NOM = {"required": "Indiquez votre nom."}
MESSAGES_EMAIL = {"invalid": "Cette adresse électronique n'est pas valide (par exemple nom@exemple.fr)."}
MESSAGE_JOINDRE = "Indiquez un numéro de téléphone ou une adresse électronique, pour qu'on puisse vous répondre."


def exiger_telephone_ou_email(form: forms.BaseForm, cleaned: dict) -> None:
    """From a form's `clean()`: neither a phone nor an e-mail, and neither field already wrong, is an error.

    Put next to the first of the two fields, under the legend or help text that says "at least one of the two".
    """
    if cleaned.get("telephone") or cleaned.get("email") or form.has_error("telephone") or form.has_error("email"):
        return
    form.add_error("telephone", ValidationError(MESSAGE_JOINDRE, code="joindre"))


class CoordonneesMixin:
    """A public form's name and contact fields read the same way everywhere ("J'ai un projet", appointments).

    Names without their surrounding spaces, a phone or an e-mail required, and the honeypot field `site_web`
    that only robots fill.
    """

    @property
    def est_un_robot(self) -> bool:
        return bool(self.cleaned_data.get("site_web"))

    def clean_prenom(self):
        return self.cleaned_data["prenom"].strip()

    def clean_nom(self):
        return self.cleaned_data["nom"].strip()

    def clean(self):
        cleaned = super().clean()
        exiger_telephone_ou_email(self, cleaned)
        return cleaned
