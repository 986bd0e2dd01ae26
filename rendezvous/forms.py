"""The public booking form: a time among the free ones, and who is coming. Same wording as the contact form."""

from django import forms

from citeslab.core.coordonnees import CoordonneesMixin
from citeslab.core.telephone import ChampTelephone
from citeslab.core.texte import valider_nom
from rendezvous.creneaux import Horaire, par_jour

CHOISIR = "Choisissez un horaire dans la liste."


class HoraireForm(forms.Form):
    """Only the time: moving an appointment asks nothing else."""

    horaire = forms.ChoiceField(
        label="Horaire",
        widget=forms.RadioSelect,
        error_messages={
            "required": CHOISIR,
            "invalid_choice": "Cet horaire n'est plus libre : choisissez-en un autre.",
        },
    )

    def __init__(self, *args, horaires: list[Horaire], **kwargs):
        super().__init__(*args, **kwargs)
        self.horaires = {h.valeur: h for h in horaires}
        self.fields["horaire"].choices = [(h.valeur, h.libelle) for h in horaires]

    def jours(self):
        """The free times grouped by day, each with its radio button's id, for the template's fieldsets."""
        choisi = self.data.get("horaire") if self.is_bound else self.initial.get("horaire")
        resultat = []
        for jour, horaires in par_jour(list(self.horaires.values())):
            resultat.append(
                (jour, [(h, f"horaire-{h.valeur}", h.valeur == choisi) for h in horaires]),
            )
        return resultat

    @property
    def horaire_choisi(self) -> Horaire:
        return self.horaires[self.cleaned_data["horaire"]]


class ReservationForm(CoordonneesMixin, HoraireForm):
    prenom = forms.CharField(
        label="Prénom",
        max_length=100,
        validators=[valider_nom],
        error_messages={"required": "Indiquez votre prénom."},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    nom = forms.CharField(
        label="Nom",
        max_length=100,
        validators=[valider_nom],
        error_messages={"required": "Indiquez votre nom."},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    telephone = ChampTelephone(label="Téléphone", required=False, help_text="Par exemple 06 12 34 56 78.")
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        required=False,
        help_text="Par exemple nom@exemple.fr.",
        error_messages={"invalid": "Cette adresse électronique n'est pas valide (par exemple nom@exemple.fr)."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    idee = forms.CharField(
        label="Votre idée, en quelques mots",
        max_length=1000,
        help_text="Quelle activité voulez-vous créer ? Quelques mots suffisent.",
        error_messages={
            "required": "Décrivez votre idée en quelques mots.",
            "max_length": "Votre texte est trop long : 1000 caractères au plus (il en fait %(show_value)d).",
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Honeypot: hidden from people by the stylesheet, filled in by simple bots.
    site_web = forms.CharField(label="Ne pas remplir ce champ", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site_web"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def decorer(self):
        """Classes and descriptions of the inputs, once the errors are known (the template renders them by hand)."""
        for nom in ("prenom", "nom", "telephone", "email", "idee"):
            champ = self[nom]
            decrit = [f"{champ.auto_id}_aide"] if champ.help_text else []
            classes = "form-control"
            if self.is_bound and champ.errors:
                decrit.append(f"{champ.auto_id}_erreur")
                classes += " is-invalid"
                champ.field.widget.attrs["aria-invalid"] = "true"
            champ.field.widget.attrs["class"] = classes
            if decrit:
                champ.field.widget.attrs["aria-describedby"] = " ".join(decrit)
        return self

    def clean_email(self):
        return self.cleaned_data.get("email", "").strip().lower()

    def clean_idee(self):
        return self.cleaned_data["idee"].strip()

    def personne(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("prenom", "nom", "telephone", "email", "idee")}
