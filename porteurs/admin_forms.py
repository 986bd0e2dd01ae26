"""Forms of the porteurs admin (the public site's forms live in porteurs/forms.py)."""

from django import forms
from django.contrib.admin import widgets
from django.utils import timezone

from porteurs.models import Etape, Porteur


class PorteurAdminForm(forms.ModelForm):
    """The person's form. Phone normalisation happens in Porteur.clean; here, the rules between fields."""

    date_changement_etape = forms.DateField(
        label="Date du changement d'étape",
        required=False,
        widget=widgets.AdminDateWidget,
        help_text="Utilisée seulement si l'étape change ; par défaut aujourd'hui.",
    )
    commentaire_etape = forms.CharField(
        label="Commentaire sur le changement d'étape",
        required=False,
        max_length=250,
        widget=widgets.AdminTextInputWidget,
    )

    class Meta:
        model = Porteur
        # The admin's fieldsets decide the layout; this is the list of what may be edited at all.
        fields = [
            "prenom",
            "nom",
            "telephone",
            "email",
            "quartier",
            "genre",
            "idee",
            "etape",
            "relance_le",
            "date_naissance",
            "situation",
            "secteur",
            "source",
            "date_premier_contact",
            "adresse",
            "consentement_le",
        ]

    def clean_date_changement_etape(self):
        date = self.cleaned_data.get("date_changement_etape")
        if date and date > timezone.localdate():
            raise forms.ValidationError("Le changement d'étape ne peut pas être daté dans le futur.")
        return date

    def clean(self):
        cleaned_data = super().clean()
        # Only complain when neither field has an error of its own: a bad number already says so.
        if "telephone" in cleaned_data and "email" in cleaned_data:
            if not cleaned_data["telephone"] and not cleaned_data["email"]:
                message = (
                    "Indiquez au moins un téléphone ou une adresse électronique pour pouvoir recontacter la personne."
                )
                self.add_error("telephone", message)
                self.add_error("email", message)
        return cleaned_data


class ChangerEtapeForm(forms.Form):
    """The intermediate page of the "Passer à l'étape…" action."""

    etape = forms.ChoiceField(label="Nouvelle étape", choices=Etape.choices)
    date = forms.DateField(label="Date du changement", initial=timezone.localdate, widget=widgets.AdminDateWidget)
    commentaire = forms.CharField(
        label="Commentaire", required=False, max_length=250, widget=widgets.AdminTextInputWidget
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("Le changement d'étape ne peut pas être daté dans le futur.")
        return date
