from django.utils.functional import SimpleLazyObject

from citeslab.core.cache import memoriser
from permanences.models import Bureau


def bureau():
    """The office's contact row (seeded, edited in the admin), or None before the seed has run."""
    return memoriser("bureau", lambda: Bureau.objects.select_related("lieu").first() or False) or None


def coordonnees(request):
    """`bureau` in every template (the public pages' footer); read only by a page that shows it."""
    return {"bureau": SimpleLazyObject(bureau)}
