from crispy_forms.helper import FormHelper
from django import forms

from ateliers.models import Inscription
from citeslab.core.coordonnees import MESSAGES_EMAIL, MESSAGES_NOM, MESSAGES_PRENOM, exiger_telephone_ou_email


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
        # The contact form's wording for the same mistakes (citeslab.core.coordonnees).
        error_messages = {"prenom": MESSAGES_PRENOM, "nom": MESSAGES_NOM, "email": MESSAGES_EMAIL}
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
        # The template draws the <form> tag, the error summary above the fields and the button, as on /contact/.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_email(self):
        return self.cleaned_data.get("email", "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        exiger_telephone_ou_email(self, cleaned)
        return cleaned
