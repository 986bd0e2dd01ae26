"""Signed links for a resident without an account (a workshop registration, an appointment).

The token carries one row's id and nothing else: no name, no e-mail, nothing personal in a URL. It is
signed with the site's secret and a salt of its own, so a workshop's token opens no appointment.
"""

from django.core import signing


class LienInvalide(Exception):
    pass


class LienExpire(LienInvalide):
    pass


class LienSigne:
    def __init__(self, sel: str, duree_validite: int):
        self.sel = sel
        self.duree_validite = duree_validite  # seconds

    def jeton(self, objet) -> str:
        return signing.dumps(objet.pk, salt=self.sel, compress=True)

    def objet(self, token: str, queryset):
        """The row of the token, read from `queryset`; LienExpire or LienInvalide otherwise."""
        try:
            pk = signing.loads(token, salt=self.sel, max_age=self.duree_validite)
        except signing.SignatureExpired as exc:
            raise LienExpire from exc
        except signing.BadSignature as exc:
            raise LienInvalide from exc
        try:
            return queryset.get(pk=pk)
        except queryset.model.DoesNotExist as exc:
            raise LienInvalide from exc
