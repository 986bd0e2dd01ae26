import json

from django.utils.safestring import mark_safe


def json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> block: "<" and friends escaped so it cannot close it."""
    texte = json.dumps(data, ensure_ascii=False, indent=None)
    return mark_safe(texte.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S308
