from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from ateliers.models import Inscription


class InscriptionForm(forms.ModelForm):
    class Meta:
        model = Inscription
        fields = ["prenom", "nom", "telephone", "email", "quartier"]
        labels = {"prenom": "Prénom", "nom": "Nom", "telephone": "Téléphone", "email": "Adresse électronique"}
        widgets = {
            "prenom": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "nom": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "telephone": "Un téléphone ou une adresse électronique : au moins l'un des deux.",
            "email": "Pour recevoir la confirmation, le rappel la veille et le lien d'annulation.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quartier = self.fields["quartier"]
        quartier.label = "Votre quartier"
        quartier.empty_label = "Autre quartier / je ne sais pas"
        quartier.required = False
        self.helper = FormHelper()
        self.helper.add_input(Submit("inscription", "Je m'inscris"))

    def clean_email(self):
        return self.cleaned_data.get("email", "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        saisis = cleaned.get("telephone") or cleaned.get("email")
        if not saisis and not self.has_error("telephone") and not self.has_error("email"):
            self.add_error(
                "telephone",
                ValidationError(
                    "Indiquez un numéro de téléphone ou une adresse électronique pour que nous puissions "
                    "vous joindre.",
                    code="contact_requis",
                ),
            )
        return cleaned
