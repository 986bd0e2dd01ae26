"""QR codes as inline SVG: no image file, no script, as sharp on paper as on screen, and read by WeasyPrint too."""

import qrcode
from django.utils.html import format_html
from django.utils.safestring import SafeString

# The standard's quiet zone: four modules of white around the code, or phone cameras may not find it.
MARGE = 4


def qr_svg(texte: str, *, libelle: str, classe: str = "qr") -> SafeString:
    """An <svg> of the QR code of `texte`, named for screen readers by `libelle`.

    One path, each row's runs of dark modules drawn as one rectangle: a few kB for a web address, where the
    library's own SVG draws one rectangle per module. Error correction M (15 %): a poster gets scratched.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=MARGE)
    code.add_data(texte)
    code.make(fit=True)
    matrice = code.get_matrix()  # border included
    taille = len(matrice)
    traits = []
    for y, ligne in enumerate(matrice):
        x = 0
        while x < taille:
            if not ligne[x]:
                x += 1
                continue
            debut = x
            while x < taille and ligne[x]:
                x += 1
            traits.append(f"M{debut} {y}h{x - debut}v1h-{x - debut}z")
    return format_html(
        '<svg class="{}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="{}"/></svg>',
        classe,
        taille,
        taille,
        libelle,
        "".join(traits),
    )
