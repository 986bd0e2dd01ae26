"""Progress bars for long commands: drawn on a terminal, silent under cron.

A bar redraws itself with carriage returns, which only a terminal shows as one line. When the stream is a
file, a pipe or a test's StringIO (cron's mail, a log), the bar is disabled and writes nothing at all: the
command's summary line stays its only output. The commands draw on their stderr, so a summary redirected
to a file (`> purge.log`) keeps no trace of the bar either.

Built on tqdm, in French: « porteurs générés : 40 %|████      | 1 200/3 000 [00:02<00:03, 600 porteurs/s] ».
"""

from collections.abc import Iterable

from django.core.management.base import OutputWrapper
from tqdm import tqdm

from citeslab.core.formats import NNBSP, nombre

AVEC_TOTAL = "{desc} : {pourcentage}|{bar}| {fait}/{prevu} [{elapsed}<{remaining}{debit}]"
SANS_TOTAL = "{desc} : {fait}{unite} [{elapsed}{debit}]"


def _brut(flux):
    """The stream itself: Django's OutputWrapper adds a newline, and a colour on stderr, to each write."""
    return flux._out if isinstance(flux, OutputWrapper) else flux


def est_un_terminal(flux) -> bool:
    try:
        return bool(_brut(flux).isatty())
    except (AttributeError, ValueError, OSError):  # no isatty(), a closed stream, None
        return False


class Barre(tqdm):
    """A tqdm bar that writes its figures the French way; `placer` for work measured rather than iterated."""

    monitor_interval = 0  # no watching thread: with miniters=1 below, each update redraws when 0.1 s has passed

    # A terminal without a size (a bare pty: `script`, some CI runners) tells 0 columns, which tqdm turns into
    # an empty line or no line at all: no size then, as for a file, and the bar takes its default width.
    @property
    def ncols(self):
        return getattr(self, "_ncols", None)

    @ncols.setter
    def ncols(self, valeur):
        self._ncols = valeur if valeur and valeur > 0 else None

    @property
    def nrows(self):
        return getattr(self, "_nrows", None)

    @nrows.setter
    def nrows(self, valeur):
        self._nrows = valeur if valeur and valeur > 0 else None

    @property
    def format_dict(self):
        d = super().format_dict
        if "initial" not in d:  # a bar disabled from the start: tqdm gives the figures only
            return d
        n, total, elapsed = d["n"], d["total"], d["elapsed"]
        vitesse = d["rate"] or ((n - d["initial"]) / elapsed if elapsed else None)
        d.update(
            fait="…" if total is None and not n else nombre(n),  # still looking for what there is to do
            prevu=nombre(total) if total is not None else "?",
            unite=f" {self.unit}" if self.unit else "",
            debit=f", {nombre(vitesse, 1 if vitesse < 10 else 0)} {self.unit}/s" if self.unit and vitesse else "",
            bar_format=SANS_TOTAL if total is None else AVEC_TOTAL,
        )
        if total == 0:
            d.update(n=1, total=1, pourcentage=f"100{NNBSP}%")  # nothing to do is done: a full bar over « 0/0 »
        elif total is not None:
            d.update(pourcentage=f"{int(100 * n / total):3d}{NNBSP}%")  # never « 100 % » before the end
        return d

    def placer(self, fait: int, total: int | None = None) -> None:
        """`fait` units done so far, out of `total` once it is known (rows found, pages to copy…)."""
        if total is not None:
            self.total = total
        self.update(fait - self.n)


def progression(quoi: Iterable | int | None, description: str, flux, *, unite: str = "") -> Barre:
    """A progress bar over `quoi` (an iterable, or a total to `update` towards, or None when unknown yet).

    Drawn on `flux` only if it is a terminal; otherwise it writes nothing and costs nothing. `unite` (« porteurs »,
    « pages ») shows the speed. Use it as a context manager, or close it: the last image stays on screen.
    """
    iterable, total = (None, quoi) if quoi is None or isinstance(quoi, int) else (quoi, None)
    sortie = _brut(flux)
    return Barre(
        iterable,
        total=total,
        desc=description,
        file=sortie,
        disable=not est_un_terminal(sortie),
        unit=unite,
        miniters=1,  # updates come by uneven batches: tqdm's own guess would skip some of them
        smoothing=0,  # remaining time from the average speed: work that comes in batches would make it jump
        dynamic_ncols=True,  # follows the terminal's width
        leave=True,
        position=0,  # one bar at a time, on the current line: no cursor moves for a bar left open by an error
    )
