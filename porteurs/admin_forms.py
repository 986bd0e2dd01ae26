"""Forms of the porteurs admin (the public site's forms live in porteurs/forms.py)."""

from django import forms
from django.contrib.admin import widgets
from django.utils import timezone

from permanences.models import Lieu
from porteurs.doublons import doublons_possibles
from porteurs.models import Etape, Porteur, Suivi


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


class VerifierDoublonsMixin:
    """A new person is checked against the existing ones first: opening the existing record is the main choice.

    The form is refused while likely duplicates exist and `creer_malgre_doublon` is not ticked; the template
    shows `self.doublons`, each with a link to open it.
    """

    doublons = ()

    def verifier_doublons(self, cleaned_data):
        if cleaned_data.get("creer_malgre_doublon") or self.errors:
            return
        self.doublons = doublons_possibles(
            prenom=cleaned_data.get("prenom", ""),
            nom=cleaned_data.get("nom", ""),
            telephone=cleaned_data.get("telephone", ""),
            email=cleaned_data.get("email", ""),
            date_naissance=cleaned_data.get("date_naissance"),
        )
        if self.doublons:
            n = len(self.doublons)
            raise forms.ValidationError(
                f"{'Une fiche ressemble' if n == 1 else f'{n} fiches ressemblent'} à cette personne : ouvrez "
                f"{'la' if n == 1 else 'celle qui correspond'} plutôt que d'en créer une autre, ou cochez "
                "« C'est une autre personne » pour créer la fiche.",
                code="doublon",
            )


class PorteurAjoutForm(VerifierDoublonsMixin, PorteurAdminForm):
    """Adding a person in the admin: the same form, checked for duplicates."""

    creer_malgre_doublon = forms.BooleanField(
        label="C'est une autre personne : créer la fiche quand même",
        required=False,
        help_text="À cocher seulement si aucune des fiches proposées n'est cette personne.",
    )

    def clean(self):
        cleaned_data = super().clean()
        self.verifier_doublons(cleaned_data)
        return cleaned_data


class NouveauSuiviMixin(forms.Form):
    """The fields of a new follow-up, prefixed `suivi_`, for a form that is mainly about something else."""

    suivi_date = forms.DateField(label="Date", widget=widgets.AdminDateWidget)
    suivi_type = forms.ChoiceField(label="Type", choices=Suivi.Type.choices, initial=Suivi.Type.ENTRETIEN)
    suivi_lieu = forms.ModelChoiceField(label="Lieu", queryset=Lieu.objects.all(), required=False)
    suivi_duree_minutes = forms.IntegerField(
        label="Durée (minutes)",
        min_value=1,
        max_value=24 * 60,
        initial=30,
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    suivi_notes = forms.CharField(
        label="Notes d'entretien", required=False, widget=widgets.AdminTextareaWidget(attrs={"rows": 3})
    )
    suivi_prochaine_etape = forms.CharField(
        label="Prochaine étape", required=False, max_length=250, widget=widgets.AdminTextInputWidget
    )
    suivi_relance_le = forms.DateField(
        label="À relancer le", required=False, widget=widgets.AdminDateWidget, help_text="Vide : pas de relance."
    )

    CHAMPS_SUIVI = ("date", "type", "lieu", "duree_minutes", "notes", "prochaine_etape", "relance_le")

    def preparer_suivi(self, *, lieu=None):
        self.fields["suivi_date"].initial = timezone.localdate()
        self.fields["suivi_lieu"].initial = lieu.pk if lieu else None

    def champs_suivi(self) -> dict:
        return {champ: self.cleaned_data[f"suivi_{champ}"] for champ in self.CHAMPS_SUIVI}

    def clean_suivi_date(self):
        date = self.cleaned_data["suivi_date"]
        if date and date > timezone.localdate():
            raise forms.ValidationError("Un suivi ne peut pas être daté dans le futur.")
        return date

    def clean_suivi_relance_le(self):
        date = self.cleaned_data.get("suivi_relance_le")
        if date and date < timezone.localdate():
            raise forms.ValidationError("La date de relance est déjà passée.")
        return date


class PorteurSuiviAdminForm(NouveauSuiviMixin, PorteurAdminForm):
    """The person's page: a new follow-up on top, the stage change with it, the person's details below.

    The follow-up is saved when its button is pressed or when one of its fields was changed (notes typed and
    the general "Enregistrer" pressed are not lost); otherwise its fields are ignored.
    """

    BOUTON = "_suivi"
    SIGNES_DE_SUIVI = {"suivi_type", "suivi_duree_minutes", "suivi_notes", "suivi_prochaine_etape", "suivi_relance_le"}

    def __init__(self, *args, lieu=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.preparer_suivi(lieu=lieu)
        self.fields["etape"].label = "Étape du parcours"

    @property
    def suivi_demande(self) -> bool:
        if not self.is_bound:
            return False
        # Date and place are pre-filled and may move between display and saving (a permanence ends): not a signal.
        return self.BOUTON in self.data or bool(set(self.changed_data) & self.SIGNES_DE_SUIVI)

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self.suivi_demande:
            # An untouched "Nouveau suivi" is not a follow-up: its fields cannot block saving the person.
            for name in [n for n in self.errors if n.startswith("suivi_")]:
                del self.errors[name]


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
