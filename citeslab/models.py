from django.db import models


class Bilan(models.Model):
    """No table: carries the permission to see the yearly report and download it."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = "bilan annuel"
        verbose_name_plural = "bilans annuels"
        permissions = [("view_bilan", "Peut consulter et télécharger le bilan annuel")]

    def __str__(self):
        return "Bilan annuel"
