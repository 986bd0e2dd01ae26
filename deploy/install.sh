#!/usr/bin/env bash
# Installation et mise à jour du portail du CitésLab de Carcassonne sur un serveur Debian 12, en root.
#
#   git clone <dépôt> /srv/citeslab        # ou le code copié n'importe où : il est recopié dans /srv/citeslab
#   CITESLAB_DOMAINE=citeslab.carcassonne-agglo.fr CITESLAB_CERTBOT_EMAIL=informatique@… /srv/citeslab/deploy/install.sh
#
# Chaque étape vérifie avant d'agir : le script se relance sans risque, et c'est aussi la commande de mise
# à jour (après un git pull). Il ne touche jamais à un /etc/citeslab/citeslab.env existant.
#
# Variables facultatives :
#   CITESLAB_DOMAINE        nom du site (défaut : citeslab.carcassonne-agglo.fr) ; le DNS doit déjà pointer ici
#   CITESLAB_CERTBOT_EMAIL  adresse pour Let's Encrypt : sans elle, le certificat se demande à la main
#                           (la commande est affichée à la fin)
set -euo pipefail

DOMAINE="${CITESLAB_DOMAINE:-citeslab.carcassonne-agglo.fr}"
COURRIEL_CERTBOT="${CITESLAB_CERTBOT_EMAIL:-}"
APP=/srv/citeslab
ENV_DIR=/etc/citeslab
ENV_FILE=$ENV_DIR/citeslab.env
SAUVEGARDES=/var/backups/citeslab
ACME=/var/www/letsencrypt
CERT_DIR=/etc/letsencrypt/live/$DOMAINE
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# procps : /bin/kill, pour ExecReload= de citeslab.service (absent d'une installation Debian minimale).
# libpango-1.0-0, libpangoft2-1.0-0 and fonts-dejavu-core: WeasyPrint's text layout and fonts (the poster's PDF).
PAQUETS=(python3 python3-venv postgresql postgresql-client redis-server nginx certbot rsync curl openssl ca-certificates procps
  libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
SERVICES=(citeslab.service citeslab-worker.service citeslab-rappels.service citeslab-rappels-rdv.service citeslab-purge.service citeslab-sauvegarde.service)
MINUTEURS=(citeslab-rappels.timer citeslab-rappels-rdv.timer citeslab-purge.timer citeslab-sauvegarde.timer)

etape() { printf '\n== %s\n' "$*"; }
echec() {
    printf 'ERREUR : %s\n' "$*" >&2
    exit 1
}
a_faire=()

# Valeur d'une variable du fichier d'environnement (la dernière affectation, guillemets retirés).
valeur() {
    python3 - "$1" "$ENV_FILE" <<'EOF'
import sys
nom, chemin = sys.argv[1], sys.argv[2]
valeur = ""
for ligne in open(chemin, encoding="utf-8"):
    ligne = ligne.strip()
    if ligne.startswith(nom + "="):
        valeur = ligne[len(nom) + 1 :]
        if len(valeur) >= 2 and valeur[0] == valeur[-1] and valeur[0] in "'\"":
            valeur = valeur[1:-1]
print(valeur)
EOF
}

# manage.py en root (collectstatic écrit dans le code, qui appartient à root), même environnement que les services.
manage_root() {
    systemd-run --quiet --wait --collect --pipe \
        --property=WorkingDirectory="$APP" --property=EnvironmentFile="$ENV_FILE" \
        "$APP/.venv/bin/python" manage.py "$@"
}

etape "Vérifications"
[[ $EUID -eq 0 ]] || echec "à lancer en root."
[[ -d /run/systemd/system ]] || echec "systemd doit gérer ce système (serveur Debian 12 ordinaire)."
[[ -f $SRC/manage.py && -f $SRC/deploy/systemd/citeslab.service ]] || echec "lancez le deploy/install.sh d'une copie complète du dépôt."
if ! grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release; then
    echo "Attention : ce script est prévu et vérifié pour Debian 12 (bookworm)."
fi
[[ $DOMAINE =~ ^[a-z0-9.-]+$ ]] || echec "CITESLAB_DOMAINE invalide : $DOMAINE"
echo "Domaine : $DOMAINE ; code : $SRC → $APP"

etape "Paquets Debian"
manquants=()
for paquet in "${PAQUETS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$paquet" 2>/dev/null | grep -q '^install ok installed$'; then
        manquants+=("$paquet")
    fi
done
if ((${#manquants[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${manquants[@]}"
else
    echo "déjà installés : ${PAQUETS[*]}"
fi

etape "Utilisateur citeslab"
if id -u citeslab >/dev/null 2>&1; then
    echo "existe déjà"
else
    useradd --system --user-group --home-dir "$APP" --no-create-home --shell /usr/sbin/nologin \
        --comment "Portail du CitésLab de Carcassonne" citeslab
fi

etape "Code dans $APP"
install -d -o root -g root -m 0755 "$APP"
if [[ $SRC != "$(readlink -f "$APP")" ]]; then
    # Le code appartient à root : le portail le lit sans pouvoir le modifier.
    rsync -a --delete --chown=root:root --chmod=u+rwX,go+rX,go-w \
        --exclude=/.git/ --exclude=/.venv/ --exclude=/staticfiles/ --exclude=/backups/ --exclude=/build/ \
        --exclude='/db.sqlite3*' --exclude='*.egg-info/' --exclude=__pycache__/ --exclude=/.hypothesis/ \
        --exclude=/.pytest_cache/ --exclude=/.ruff_cache/ --exclude=/.import_linter_cache/ \
        "$SRC/" "$APP/"
    echo "copié depuis $SRC"
else
    echo "le dépôt est déjà dans $APP"
fi

etape "Environnement Python ($APP/.venv)"
if [[ ! -x $APP/.venv/bin/python ]]; then
    python3 -m venv "$APP/.venv"
fi
"$APP/.venv/bin/pip" install --quiet --disable-pip-version-check "$APP"
"$APP/.venv/bin/python" -c 'import django, gunicorn; print("Django", django.get_version(), "- gunicorn", gunicorn.__version__)'

etape "Fichier d'environnement $ENV_FILE"
install -d -o root -g root -m 0700 "$ENV_DIR"
if [[ -f $ENV_FILE ]]; then
    echo "existe déjà : laissé tel quel"
else
    cle="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
    mdp="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
    (
        umask 077
        sed -e "s|^DJANGO_SECRET_KEY=CHANGEZ-MOI\$|DJANGO_SECRET_KEY=$cle|" \
            -e "s|^DATABASE_URL=postgres://citeslab:CHANGEZ-MOI@|DATABASE_URL=postgres://citeslab:$mdp@|" \
            -e "s|citeslab\.carcassonne-agglo\.fr|$DOMAINE|g" \
            "$APP/deploy/citeslab.env.example" >"$ENV_FILE.nouveau"
    )
    mv "$ENV_FILE.nouveau" "$ENV_FILE"
    echo "créé depuis deploy/citeslab.env.example (clé secrète et mot de passe PostgreSQL générés)"
fi
chown root:root "$ENV_FILE"
chmod 0600 "$ENV_FILE"
if grep -q '^DJANGO_SECRET_KEY=CHANGEZ-MOI$' "$ENV_FILE"; then
    echec "DJANGO_SECRET_KEY vaut encore CHANGEZ-MOI dans $ENV_FILE."
fi
if grep -q 'CHANGEZ-MOI' "$ENV_FILE"; then
    a_faire+=("Remplacer les CHANGEZ-MOI restants de $ENV_FILE (courriels : DJANGO_EMAIL_*), puis : systemctl restart citeslab citeslab-worker")
fi

etape "Dossiers"
# Les sauvegardes contiennent les données personnelles de tous les habitants suivis : 0700.
install -d -o citeslab -g citeslab -m 0700 "$SAUVEGARDES"
install -d -o citeslab -g citeslab -m 0750 /var/cache/citeslab
install -d -o root -g root -m 0755 "$ACME"
echo "$SAUVEGARDES, /var/cache/citeslab, $ACME"

etape "PostgreSQL et Redis"
systemctl enable --now redis-server.service >/dev/null
url="$(valeur DATABASE_URL)"
# hôte, port, utilisateur, mot de passe, base
infos="$(python3 - "$url" <<'EOF'
import sys
from urllib.parse import unquote, urlsplit
u = urlsplit(sys.argv[1])
if u.scheme not in ("postgres", "postgresql", "pgsql"):
    sys.exit(f"ERREUR : DATABASE_URL doit désigner PostgreSQL (postgres://…), pas « {u.scheme} ».")
print(u.hostname or "", u.port or 5432, unquote(u.username or ""), unquote(u.password or ""), unquote(u.path.lstrip("/")), sep="\n")
EOF
)"
mapfile -t base <<<"$infos"
if [[ ${base[0]} =~ ^(127\.0\.0\.1|localhost|::1|)$ ]]; then
    systemctl enable --now postgresql.service >/dev/null
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p "${base[1]}" && break
        sleep 1
    done
    pg_isready -q -h 127.0.0.1 -p "${base[1]}" || echec "PostgreSQL ne répond pas sur 127.0.0.1:${base[1]}."
    # Le mot de passe passe par l'environnement (\getenv), jamais par la ligne de commande.
    CITESLAB_MDP="${base[3]}" runuser -u postgres -- psql -q -X -v ON_ERROR_STOP=1 -p "${base[1]}" \
        -v role="${base[2]}" -v nom_base="${base[4]}" <<'EOF'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')\gexec
\getenv mdp CITESLAB_MDP
SELECT length(:'mdp') > 0 AS avec_mdp \gset
\if :avec_mdp
ALTER ROLE :"role" WITH LOGIN PASSWORD :'mdp';
\endif
SELECT format('CREATE DATABASE %I OWNER %I', :'nom_base', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'nom_base')\gexec
EOF
    echo "base « ${base[4]} » et utilisateur « ${base[2]} » prêts (mot de passe : celui de DATABASE_URL)"
else
    echo "base sur ${base[0]} : rien à créer ici (elle doit exister, avec les droits de ${base[2]})"
fi

etape "Portail : migrations, fichiers statiques, données de référence, vérification"
install -m 0755 "$APP/deploy/citeslab-manage" /usr/local/bin/citeslab-manage
citeslab-manage migrate --noinput
manage_root collectstatic --noinput --verbosity 0
citeslab-manage seed_carcassonne
citeslab-manage check --deploy --fail-level WARNING

etape "Services et minuteurs systemd"
for unite in "${SERVICES[@]}" "${MINUTEURS[@]}"; do
    install -m 0644 "$APP/deploy/systemd/$unite" "/etc/systemd/system/$unite"
done
systemctl daemon-reload
systemctl enable --quiet citeslab.service citeslab-worker.service "${MINUTEURS[@]}"
# restart et non reload : le code ou l'unité ont pu changer. Quelques secondes de page d'erreur nginx.
systemctl restart citeslab.service citeslab-worker.service
systemctl start "${MINUTEURS[@]}"
systemctl is-active --quiet citeslab.service || echec "citeslab.service ne démarre pas : journalctl -u citeslab.service"
systemctl is-active --quiet citeslab-worker.service || echec "citeslab-worker.service ne démarre pas : journalctl -u citeslab-worker.service"
curl -fsS --max-time 10 -H "Host: $DOMAINE" -H "X-Forwarded-Proto: https" http://127.0.0.1:8000/healthz
echo

etape "nginx"
site=/etc/nginx/sites-available/citeslab.conf
if [[ ! -f $CERT_DIR/fullchain.pem && -n $COURRIEL_CERTBOT ]]; then
    # Premier certificat : un site provisoire sert la validation sur le port 80.
    sed "s|citeslab\.carcassonne-agglo\.fr|$DOMAINE|g" "$APP/deploy/nginx/citeslab-acme.conf" >"$site"
    ln -sfn "$site" /etc/nginx/sites-enabled/citeslab.conf
    nginx -t -q
    systemctl enable --quiet nginx.service
    systemctl reload-or-restart nginx.service
    certbot certonly --webroot -w "$ACME" -d "$DOMAINE" --email "$COURRIEL_CERTBOT" \
        --agree-tos --no-eff-email --non-interactive
fi
if [[ -f $CERT_DIR/fullchain.pem ]]; then
    sed "s|citeslab\.carcassonne-agglo\.fr|$DOMAINE|g" "$APP/deploy/nginx/citeslab.conf" >"$site"
    # Certificats renouvelés par certbot.timer (paquet certbot) : nginx les relit aussitôt.
    install -d /etc/letsencrypt/renewal-hooks/deploy
    printf '#!/bin/sh\nsystemctl reload nginx.service\n' >/etc/letsencrypt/renewal-hooks/deploy/citeslab-nginx
    chmod 0755 /etc/letsencrypt/renewal-hooks/deploy/citeslab-nginx
else
    sed "s|citeslab\.carcassonne-agglo\.fr|$DOMAINE|g" "$APP/deploy/nginx/citeslab-acme.conf" >"$site"
    a_faire+=("Obtenir le certificat (le DNS de $DOMAINE doit pointer ici) : certbot certonly --webroot -w $ACME -d $DOMAINE, puis relancer $APP/deploy/install.sh")
fi
ln -sfn "$site" /etc/nginx/sites-enabled/citeslab.conf
# Le site d'accueil de Debian (« Welcome to nginx ») n'a rien à faire sur ce serveur.
rm -f /etc/nginx/sites-enabled/default
nginx -t -q
systemctl enable --quiet nginx.service
systemctl reload-or-restart nginx.service
if [[ -f $CERT_DIR/fullchain.pem ]]; then
    # Le chemin complet nginx → gunicorn → base (--insecure : on vérifie ce chemin, pas le certificat).
    curl -fsS --max-time 10 --insecure --resolve "$DOMAINE:443:127.0.0.1" "https://$DOMAINE/healthz"
    echo
fi

etape "Fini"
systemctl list-timers --no-pager 'citeslab-*'
fuseau="$(timedatectl show --property=Timezone --value 2>/dev/null || true)"
if [[ $fuseau != Europe/Paris ]]; then
    a_faire+=("Fuseau horaire du serveur : « ${fuseau:-inconnu} » ; les minuteurs suivent l'heure du serveur (timedatectl set-timezone Europe/Paris)")
fi
if ! citeslab-manage shell -c 'from django.contrib.auth import get_user_model; raise SystemExit(0 if get_user_model().objects.filter(is_superuser=True).exists() else 1)' >/dev/null 2>&1; then
    a_faire+=("Créer le compte administrateur : citeslab-manage createsuperuser")
fi
if ((${#a_faire[@]})); then
    echo "Reste à faire :"
    printf '  - %s\n' "${a_faire[@]}"
else
    echo "Rien d'autre à faire. Vérifier : systemctl status citeslab ; curl https://$DOMAINE/healthz"
fi
