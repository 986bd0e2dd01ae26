"""A model's name in a French sentence: articles, elision, gender, plural (citeslab.core.noms)."""

from citeslab.core.noms import Nom, devine


def test_a_masculine_noun_takes_le_un_ce_and_du():
    porteur = Nom("porteur de projet", "porteurs de projet")
    assert (porteur.un, porteur.le, porteur.ce, porteur.de_le) == (
        "un porteur de projet",
        "le porteur de projet",
        "ce porteur de projet",
        "du porteur de projet",
    )
    assert porteur.un_autre == "un autre porteur de projet" and porteur.nouveau == "nouveau porteur de projet"


def test_a_noun_starting_with_a_vowel_is_elided():
    atelier = Nom("atelier")
    assert (atelier.le, atelier.ce, atelier.de_le, atelier.nouveau) == (
        "l’atelier",
        "cet atelier",
        "de l’atelier",
        "nouvel atelier",
    )


def test_a_feminine_noun_agrees():
    inscription = Nom("inscription", feminin=True)
    fermeture = Nom("fermeture", feminin=True)
    assert (inscription.un, inscription.le, inscription.ce, inscription.aucun) == (
        "une inscription",
        "l’inscription",
        "cette inscription",
        "aucune inscription",
    )
    assert (fermeture.le, fermeture.de_le, fermeture.un_autre, fermeture.e) == (
        "la fermeture",
        "de la fermeture",
        "une autre fermeture",
        "e",
    )


def test_counts_take_the_singular_for_zero_and_one():
    lieu = Nom("lieu", "lieux")
    assert [lieu.nombre(n) for n in (0, 1, 2)] == ["0 lieu", "1 lieu", "2 lieux"]
    assert Nom("suivi").accord(3) == "s" and Nom("inscription", feminin=True).accord(1) == "e"


def test_a_plural_only_noun_takes_plural_articles():
    bureau = Nom("coordonnées du bureau", feminin=True, toujours_pluriel=True)
    assert (bureau.le, bureau.un, bureau.ce, bureau.nombre(1)) == (
        "les coordonnées du bureau",
        "des coordonnées du bureau",
        "ces coordonnées du bureau",
        "1 coordonnées du bureau",
    )


def test_an_undeclared_model_gets_its_gender_guessed_from_the_ending():
    assert devine("réservation").feminin and devine("permanence").feminin and not devine("rendez-vous").feminin
