"""What test_deux_serveurs.py needs to drive real processes: a small HTTP client, starting and stopping, e-mails.

Standard library only (no HTTP client package is installed in the project).
"""

import contextlib
import email
import email.policy
import http.client
import http.cookies
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

# The public name the proxy passes on: both servers see the same host, as behind one nginx in front of two hosts.
HOTE = "localhost"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Reponse:
    status: int
    headers: http.client.HTTPMessage
    texte: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Navigateur:
    """One visitor on one server: its cookies, and its address as the proxy in front saw it (X-Forwarded-For)."""

    def __init__(self, port: int, adresse: str = "192.0.2.10"):
        self.port = port
        self.adresse = adresse
        self.cookies: dict[str, str] = {}

    def requete(self, methode: str, chemin: str, donnees: dict | None = None) -> Reponse:
        headers = {"Host": HOTE, "X-Forwarded-For": self.adresse}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{nom}={valeur}" for nom, valeur in self.cookies.items())
        corps = None
        if donnees is not None:
            corps = urllib.parse.urlencode(donnees)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connexion.request(methode, chemin, body=corps, headers=headers)
            reponse = connexion.getresponse()
            texte = reponse.read().decode("utf-8", "replace")
        finally:
            connexion.close()
        for entete in reponse.headers.get_all("Set-Cookie") or []:
            for nom, morsel in http.cookies.SimpleCookie(entete).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(nom, None)
                else:
                    self.cookies[nom] = morsel.value
        return Reponse(reponse.status, reponse.headers, texte)

    def get(self, chemin: str) -> Reponse:
        return self.requete("GET", chemin)

    def jeton_csrf(self, chemin: str) -> str:
        """GET a page with a form, as a browser does before posting it: the CSRF cookie and the form's token."""
        reponse = self.get(chemin)
        assert reponse.status == 200, f"GET {chemin} sur le port {self.port} : {reponse.status}"
        trouve = CSRF.search(reponse.texte)
        assert trouve, f"pas de jeton CSRF dans {chemin}"
        return trouve.group(1)

    def poster(self, chemin: str, donnees: dict, jeton: str) -> Reponse:
        return self.requete("POST", chemin, {**donnees, "csrfmiddlewaretoken": jeton})


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processus:
    """A subprocess in its own process group (gunicorn's workers, too), its output in a file read on failure."""

    def __init__(self, nom: str, commande: list[str], env: dict, dossier: Path, cwd: Path):
        self.nom = nom
        self.journal_chemin = dossier / f"{nom}.log"
        self.journal = open(self.journal_chemin, "wb")  # closed in arreter()
        self.popen = subprocess.Popen(
            commande,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.journal,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def sortie(self, fin: int = 4000) -> str:
        self.journal.flush()
        return self.journal_chemin.read_text(errors="replace")[-fin:]

    def arreter(self) -> None:
        """SIGTERM to the whole group, SIGKILL if it is still there after 15 s; always reaped, file closed."""
        try:
            for sig, delai in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, sig)
                try:
                    self.popen.wait(timeout=delai)
                    break
                except subprocess.TimeoutExpired:
                    continue
        finally:
            # Workers of the group that outlived their master.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.journal.close()


def attendre_healthz(serveurs: list[tuple[Processus, int]], delai: float = 40) -> None:
    """Until every server answers 200 on /healthz (database reached), or fail with what each one printed."""
    restants = dict(serveurs)
    limite = time.monotonic() + delai
    while restants and time.monotonic() < limite:
        for processus, port in list(restants.items()):
            if processus.popen.poll() is not None:
                raise AssertionError(
                    f"{processus.nom} s'est arrêté (code {processus.popen.returncode}) :\n{processus.sortie()}"
                )
            with contextlib.suppress(OSError):
                if Navigateur(port).get("/healthz").status == 200:
                    del restants[processus]
        time.sleep(0.1)
    if restants:
        details = "\n\n".join(f"== {p.nom} (port {port})\n{p.sortie()}" for p, port in restants.items())
        raise AssertionError(f"pas de réponse 200 sur /healthz après {delai:.0f} s :\n{details}")


SEPARATEUR = b"\n" + b"-" * 79 + b"\n"


def courriels(dossier: Path) -> list[email.message.EmailMessage]:
    """Every message the file backend wrote under `dossier` (one file per connection, 79 dashes between)."""
    messages = []
    for fichier in sorted(dossier.rglob("*.log")):
        for bloc in fichier.read_bytes().split(SEPARATEUR):
            if bloc.strip():
                messages.append(email.message_from_bytes(bloc, policy=email.policy.default))
    return messages
