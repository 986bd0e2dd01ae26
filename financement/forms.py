from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from citeslab.core.formats import euros


class ContributionFormSet(forms.BaseInlineFormSet):
    """A convention's contributions must add up to its total; the message says by how much they are off."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        total = self.instance.montant_total
        if total is None:
            return
        somme = sum(
            (
                form.cleaned_data.get("montant") or Decimal("0")
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ),
            Decimal("0"),
        )
        ecart = total - somme
        if ecart > 0:
            raise ValidationError(
                f"Les contributions totalisent {euros(somme, 2)} : il manque {euros(ecart, 2)} "
                f"pour atteindre le montant total de la convention ({euros(total, 2)}).",
                code="contributions_incompletes",
            )
        if ecart < 0:
            raise ValidationError(
                f"Les contributions totalisent {euros(somme, 2)} : {euros(-ecart, 2)} de trop "
                f"par rapport au montant total de la convention ({euros(total, 2)}).",
                code="contributions_excedentaires",
            )
