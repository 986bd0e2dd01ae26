"""The progress bar of long commands: drawn on a terminal only, in French, and silent under cron."""

import io

import pytest
from django.core.management.base import OutputWrapper
from django.core.management.color import color_style

from citeslab.core import donnees_personnelles
from citeslab.core.donnees_personnelles import par_lots, suivre_les_lots
from citeslab.core.progression import est_un_terminal, progression

NNBSP = "\u202f"


class Terminal(io.StringIO):
    """What a command sees when a person runs it in a terminal."""

    encoding = "utf-8"

    def isatty(self):
        super().isatty()  # ValueError once closed, as a real terminal's stream
        return True


def _derniere_image(sortie: str) -> str:
    """The bar as the terminal shows it at the end: what follows the last carriage return."""
    return sortie.rstrip("\n").rsplit("\r", 1)[-1]


def _barre(image: str) -> str:
    """The drawn part of an image, between « % » and the counts (its width follows the terminal's)."""
    return image.split("%|", 1)[1].split("| ", 1)[0]


def test_off_a_terminal_the_bar_writes_nothing_and_passes_the_items_through():
    flux = io.StringIO()
    assert list(progression(range(5), "lignes anonymisées", flux)) == [0, 1, 2, 3, 4]
    with progression(3, "porteurs générés", flux, unite="porteurs") as barre:
        barre.update(3)
    assert flux.getvalue() == ""


def test_on_a_terminal_the_bar_is_drawn_in_french_and_ends_at_100_percent():
    flux = Terminal()
    for _ in progression(range(3000), "porteurs générés", flux, unite="porteurs"):
        pass
    sortie = flux.getvalue()
    assert "\r" in sortie
    fin = _derniere_image(sortie)
    assert fin.startswith(f"porteurs générés : 100{NNBSP}%|")
    assert set(_barre(fin)) == {"█"}
    assert f"| 3{NNBSP}000/3{NNBSP}000 [" in fin
    assert "porteurs/s]" in fin
    assert sortie.endswith("\n")  # the last image stays on screen, the summary goes below it


def test_rate_and_time_left_are_in_french():
    flux = Terminal()
    with progression(10_000, "porteurs générés", flux, unite="porteurs") as barre:
        barre.start_t -= 10  # ten seconds already spent
        barre.update(5_000)
        barre.refresh()
        image = _derniere_image(flux.getvalue())
    assert f" 50{NNBSP}%|" in image
    assert f"5{NNBSP}000/10{NNBSP}000 [00:10<00:10, 500 porteurs/s]" in image


def test_placer_sets_the_position_and_a_total_learnt_on_the_way():
    flux = Terminal()
    with progression(None, "porteur(s)", flux, unite="lignes") as barre:
        barre.placer(0, 12_000)
        barre.placer(5_000, 12_000)
        barre.placer(12_000, 12_000)
    fin = _derniere_image(flux.getvalue())
    assert f"100{NNBSP}%|" in fin
    assert f"12{NNBSP}000/12{NNBSP}000" in fin


def test_nothing_to_do_is_done_at_once():
    flux = Terminal()
    with progression(0, "inscription(s)", flux, unite="lignes"):
        pass
    fin = _derniere_image(flux.getvalue())
    assert fin.startswith(f"inscription(s) : 100{NNBSP}%|")
    assert set(_barre(fin)) == {"█"}
    assert "| 0/0 [" in fin


def test_without_a_known_total_the_bar_counts_and_times_without_a_percentage():
    flux = Terminal()
    with progression(None, "tables sauvegardées", flux, unite="tables") as barre:
        assert _derniere_image(flux.getvalue()) == "tables sauvegardées : … tables [00:00]"  # nothing counted yet
        barre.update(3)
    fin = _derniere_image(flux.getvalue())
    assert fin.startswith("tables sauvegardées : 3 tables [00:00")
    assert "%" not in fin


def test_a_django_command_stream_is_written_as_is():
    """A command's stderr adds a newline and the error colour to each write: the bar must not get either."""
    terminal = Terminal()
    stderr = OutputWrapper(terminal)
    stderr.style_func = color_style(force_color=True).ERROR
    with progression(2, "pages copiées", stderr, unite="pages") as barre:
        barre.update(1)
        barre.update(1)
    sortie = terminal.getvalue()
    assert "\x1b[" not in sortie
    assert sortie.count("\n") == 1 and sortie.endswith("\n")
    assert f"100{NNBSP}%" in _derniere_image(sortie)


def test_a_stream_that_is_not_a_terminal_or_is_closed_gets_no_bar():
    ferme = Terminal()
    ferme.close()

    class SansIsatty:
        def write(self, texte):
            raise AssertionError("nothing must be written")

        def flush(self):
            pass

    assert est_un_terminal(Terminal())
    assert est_un_terminal(OutputWrapper(Terminal()))
    for flux in (io.StringIO(), OutputWrapper(io.StringIO()), ferme, SansIsatty(), None):
        assert not est_un_terminal(flux)
    with progression(4, "lignes anonymisées", SansIsatty()) as barre:
        barre.update(4)


def test_par_lots_reports_each_batch_to_whoever_follows_it(monkeypatch):
    monkeypatch.setattr(donnees_personnelles, "LOT", 5)
    comptes = []
    with suivre_les_lots(lambda fait, total: comptes.append((fait, total))):
        lots = list(par_lots(list(range(12))))
        list(par_lots([]))
    assert lots == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]
    assert comptes == [(0, 12), (5, 12), (10, 12), (12, 12), (0, 0)]
    # Outside the block, nobody is told: the purge as it always was.
    list(par_lots(list(range(12))))
    assert len(comptes) == 5


@pytest.mark.parametrize("flux", [io.StringIO(), Terminal()])
def test_the_bar_closes_even_when_the_work_fails(flux):
    with pytest.raises(ZeroDivisionError), progression(3, "porteurs générés", flux) as barre:
        barre.update(1)
        raise ZeroDivisionError
    assert barre.disable  # closed: tqdm disables a bar once closed
