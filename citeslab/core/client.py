"""The one rule for "who is this client": the rate limits, django-axes and the audit log all ask it.

Directly, the address is REMOTE_ADDR. Behind our proxies (settings.BEHIND_PROXY, settings.PROXY_COUNT of them,
each appending the address it saw to X-Forwarded-For), it is the PROXY_COUNT-th hop from the right: the hops
before it are whatever the client chose to send, and trusting them would let anyone pose as anyone.
"""

import ipaddress

from django.conf import settings


def _ip(texte: str) -> str | None:
    try:
        return str(ipaddress.ip_address(texte.strip()))
    except ValueError:
        return None


def adresse_client(request) -> str | None:
    """The client's IP address, or None when there is no request or no valid address."""
    if request is None:
        return None
    transmise = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and transmise:
        sauts = transmise.split(",")
        # Fewer hops than proxies: the request did not come through all of them, its header proves nothing.
        if len(sauts) >= settings.PROXY_COUNT and (adresse := _ip(sauts[-settings.PROXY_COUNT])):
            return adresse
    return _ip(request.META.get("REMOTE_ADDR", ""))


def cle_limite(group, request) -> str:
    """django-ratelimit key: the client's address, an IPv6 client counted by its /64 (one subscriber's block)."""
    adresse = adresse_client(request)
    if adresse is None:
        return "inconnue"
    ip = ipaddress.ip_address(adresse)
    return str(ipaddress.ip_network(f"{ip}/{64 if ip.version == 6 else 32}", strict=False).network_address)
