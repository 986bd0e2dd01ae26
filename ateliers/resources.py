"""django-import-export resources of workshops and registrations (export: streamed by citeslab.core.exports)."""

from import_export import fields, resources

from ateliers.models import Atelier, Inscription


class AtelierResource(resources.ModelResource):
    titre = fields.Field(attribute="titre", column_name="Titre")
    theme = fields.Field(attribute="theme", column_name="Thème")
    debut = fields.Field(attribute="debut", column_name="Début")
    fin = fields.Field(attribute="fin", column_name="Fin")
    lieu = fields.Field(attribute="lieu__nom", column_name="Lieu")
    quartier = fields.Field(attribute="lieu__quartier__nom", column_name="Quartier")
    capacite = fields.Field(attribute="capacite", column_name="Nombre de places")
    public = fields.Field(attribute="public", column_name="Ouvert au public")
    inscriptions_ouvertes = fields.Field(attribute="inscriptions_ouvertes", column_name="Inscriptions ouvertes")

    class Meta:
        model = Atelier
        fields = ("titre", "theme", "debut", "fin", "lieu", "quartier", "capacite", "public", "inscriptions_ouvertes")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("lieu__quartier")


class InscriptionResource(resources.ModelResource):
    atelier = fields.Field(attribute="atelier__titre", column_name="Atelier")
    atelier_debut = fields.Field(attribute="atelier__debut", column_name="Date de l'atelier")
    lieu = fields.Field(attribute="atelier__lieu__nom", column_name="Lieu")
    nom = fields.Field(attribute="nom", column_name="Nom")
    prenom = fields.Field(attribute="prenom", column_name="Prénom")
    telephone = fields.Field(attribute="telephone", column_name="Téléphone")
    email = fields.Field(attribute="email", column_name="Adresse électronique")
    quartier = fields.Field(attribute="quartier__nom", column_name="Quartier")
    statut = fields.Field(attribute="statut", column_name="Statut")
    present = fields.Field(attribute="present", column_name="Présent")
    cree_le = fields.Field(attribute="cree_le", column_name="Inscrit le")

    class Meta:
        model = Inscription
        fields = (
            "atelier",
            "atelier_debut",
            "lieu",
            "nom",
            "prenom",
            "telephone",
            "email",
            "quartier",
            "statut",
            "present",
            "cree_le",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("atelier__lieu", "quartier")
