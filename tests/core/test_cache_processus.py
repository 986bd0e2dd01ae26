from unittest import mock

import pytest

from citeslab.core import cache as pages


def _cles_lues(client, url):
    with mock.patch.object(pages.cache, "get", wraps=pages.cache.get) as get:
        assert client.get(url).status_code == 200
    return [appel.args[0] for appel in get.call_args_list]


@pytest.mark.django_db
def test_a_page_already_read_is_served_from_the_process_with_only_the_version_read(seeded, client):
    client.get("/permanences/")
    cles = _cles_lues(client, "/permanences/")
    assert pages.VERSION_KEY in cles
    assert not [cle for cle in cles if ":page:" in cle]


@pytest.mark.django_db
def test_an_invalidation_makes_every_process_read_the_page_again(seeded, client):
    client.get("/permanences/")
    pages.invalider()
    cles = _cles_lues(client, "/permanences/")
    assert [cle for cle in cles if ":page:" in cle]


def test_the_process_keeps_a_bounded_number_of_pages():
    pages._pages_du_processus.clear()
    for n in range(pages.PAGES_DU_PROCESSUS_MAX + 5):
        pages._garder_dans_le_processus(f"public:1:page:{n}", (b"", {}, 0))
    assert len(pages._pages_du_processus) <= pages.PAGES_DU_PROCESSUS_MAX
