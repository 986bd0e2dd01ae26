"""Database constraints explained in words, on the field they concern.

Django says « La contrainte « fermeture_fin_apres_debut » n'est pas respectée » when a form breaks a
CheckConstraint that has no violation_error_message. Setting that message in Meta would write a migration in
every app; a model instead lists, beside its constraints, what each one means and which field it concerns, and
its validate_constraints calls `valider_contraintes`. Every ModelForm (admin, public, import) then shows the
sentence next to the field; the database still enforces the rule.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router


def valider_contraintes(instance, exclude=None, explications: dict[str, tuple[str | None, str]] | None = None):
    """Model.validate_constraints, with {constraint name: (field or None, French sentence)} for its messages."""
    explications = explications or {}
    exclude = set(exclude or ())
    using = router.db_for_write(type(instance), instance=instance)
    erreurs: dict[str, list] = {}
    for model, contraintes in instance.get_constraints():
        for contrainte in contraintes:
            try:
                contrainte.validate(model, instance, exclude=exclude, using=using)
            except ValidationError as exc:
                if contrainte.name in explications:
                    champ, phrase = explications[contrainte.name]
                    cle = champ if champ and champ not in exclude else NON_FIELD_ERRORS
                    erreurs.setdefault(cle, []).append(ValidationError(phrase, code=contrainte.name))
                elif getattr(exc, "code", None) == "unique" and len(getattr(contrainte, "fields", ())) == 1:
                    erreurs.setdefault(contrainte.fields[0], []).append(exc)
                else:
                    erreurs = exc.update_error_dict(erreurs)
    if erreurs:
        raise ValidationError(erreurs)


def contraintes_sans_explication(model, explications: dict) -> list[str]:
    """The constraints of a model that would still show Django's generic sentence (for tests)."""
    generique = type(model._meta.constraints[0]).default_violation_error_message if model._meta.constraints else ""
    return [
        c.name
        for c in model._meta.constraints
        if c.name not in explications and str(c.violation_error_message) == str(generique)
    ]
