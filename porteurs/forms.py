"""The public "j'ai un projet" form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError

from citeslab.core.coordonnees import MESSAGES_EMAIL, MESSAGES_NOM, MESSAGES_PRENOM, CoordonneesMixin
from citeslab.core.telephone import ChampTelephone
from citeslab.core.texte import valider_nom
from permanences.models import Quartier

AUTRE_QUARTIER = "autre"


class ContactForm(CoordonneesMixin, forms.Form):
    prenom = forms.CharField(
        label="Prénom",
        max_length=100,
        validators=[valider_nom],
        error_messages=MESSAGES_PRENOM,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    nom = forms.CharField(
        label="Nom",
        max_length=100,
        validators=[valider_nom],
        error_messages=MESSAGES_NOM,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    telephone = ChampTelephone(label="Téléphone", required=False, help_text="Par exemple 06 12 34 56 78.")
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        required=False,
        help_text="Par exemple nom@exemple.fr.",
        error_messages=MESSAGES_EMAIL,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    quartier = forms.ChoiceField(
        label="Votre quartier",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez votre quartier, ou « Autre quartier / je ne sais pas ».",
            "invalid_choice": "Choisissez un quartier de la liste.",
        },
    )
    idee = forms.CharField(
        label="Votre idée, en quelques lignes",
        max_length=2000,
        help_text="Quelle activité voulez-vous créer ? Où en êtes-vous ? Quelques mots suffisent.",
        error_messages={
            "required": "Décrivez votre idée en quelques mots.",
            "max_length": "Votre texte est trop long : 2000 caractères au plus (il en fait %(show_value)d).",
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consentement = forms.BooleanField(
        label="J'accepte que le CitésLab garde ces informations pour me recontacter et m'accompagner.",
        error_messages={"required": "Cochez cette case pour que nous puissions garder vos coordonnées."},
    )
    # Honeypot: hidden from people by the stylesheet, filled in by simple bots.
    site_web = forms.CharField(label="Ne pas remplir ce champ", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].choices = [
            *((str(pk), nom) for pk, nom in Quartier.objects.values_list("pk", "nom")),
            (AUTRE_QUARTIER, "Autre quartier / je ne sais pas"),
        ]
        self.fields["site_web"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset("Vous", "prenom", "nom"),
            Fieldset("Pour vous joindre (au moins l'un des deux)", "telephone", "email"),
            Field("quartier"),
            Field("idee"),
            Div("site_web", css_class="pot"),
            HTML('{% include "porteurs/_notice_donnees.html" %}'),
            Field("consentement"),
        )

    def clean_quartier(self):
        valeur = self.cleaned_data["quartier"]
        if valeur == AUTRE_QUARTIER:
            return None
        return Quartier(pk=int(valeur))

    def clean_idee(self):
        idee = self.cleaned_data["idee"].strip()
        if len(idee) < 10:
            raise ValidationError("Dites-en un peu plus sur votre idée (au moins 10 caractères).", code="trop_court")
        return idee

    def champs_porteur(self) -> dict:
        """What the form stores on the person; the view adds stage, source and dates."""
        return {name: self.cleaned_data[name] for name in ("prenom", "nom", "telephone", "email", "quartier", "idee")}
