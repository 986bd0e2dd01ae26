"""With the database down, every request gets the French 503 page, even one whose session the middleware reads."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client


@pytest.mark.django_db
def test_a_request_with_a_session_cookie_gets_the_503_page_when_the_database_is_down(chef, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(chef)  # the session lives in the database: the middleware reads it before any view

    def panne(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", panne)
    monkeypatch.setattr("citeslab.middleware._database_down", lambda: True)
    response = client.get("/")
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.content.decode()
