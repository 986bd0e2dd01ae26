#!/usr/bin/env bash
# Vérifie deploy/ sans serveur de production, en quelques dizaines de secondes ; lancé par .ci/run, en root :
#   make install && deploy/verifier.sh
# 1. les scripts (bash -n, shellcheck) ;
# 2. le fichier d'environnement modèle : chaque variable lue par citeslab/settings.py y figure, et
#    check --deploy --fail-level WARNING passe avec ses valeurs ;
# 3. les unités systemd : systemd-analyze verify, strict (le moindre avertissement fait échouer) ;
# 4. nginx -t sur le site (et sur le site provisoire d'avant certificat), avec des certificats jetables ;
# 5. en direct, dans un espace réseau isolé (unshare --net : ports 80, 443 et 8000 libres, rien ne sort) :
#    chaque ExecStart des unités lancé tel quel (/srv/citeslab remplacé par ce dépôt) sur une base SQLite,
#    gunicorn derrière le vrai site nginx : redirection HTTPS, /healthz, journal d'accès sans chaîne de
#    requête ni jeton, hôte inconnu refusé, 413 et 502 en français.
# Code de sortie non nul à la première vérification qui échoue.
# Les « $… » entre apostrophes sont des variables de nginx ou du sous-shell, pas de ce script :
# shellcheck disable=SC2016
set -euo pipefail

DOMAINE=citeslab.carcassonne-agglo.fr

ok() { printf '  ok  %s\n' "$*"; }
echec() {
    printf 'ÉCHEC : %s\n' "$*" >&2
    exit 1
}

# Les arguments d'un ExecStart= de l'unité $1, séparés par des octets nuls, tels que systemd les passerait :
# lignes continuées par « \ » jointes, « %% » → « % », « $$ » → « $ », chemins du serveur remplacés par ceux
# de l'essai (REPO, SAUVEGARDES). Tout autre spécificateur « %x » ou variable « $X » fait échouer : il faudrait
# l'apprendre ici.
commande_unite() {
    python3 - "$1" <<'EOF'
import os, re, shlex, sys
texte = open(sys.argv[1], encoding="utf-8").read().replace("\\\n", " ")
lignes = [l.split("=", 1)[1].strip() for l in texte.splitlines() if l.startswith("ExecStart=")]
if len(lignes) != 1:
    sys.exit(f"ÉCHEC : {sys.argv[1]} : un seul ExecStart= attendu, {len(lignes)} trouvé(s)")
ligne = lignes[0]
if re.search(r"%[^%]", ligne.replace("%%", "")) or re.search(r"\$[^$]", ligne.replace("$$", "")):
    sys.exit(f"ÉCHEC : {sys.argv[1]} : spécificateur ou variable que verifier.sh ne sait pas remplacer : {ligne}")
ligne = ligne.replace("%%", "%").replace("$$", "$")
ligne = ligne.replace("/srv/citeslab", os.environ["REPO"]).replace("/var/backups/citeslab", os.environ["SAUVEGARDES"])
sys.stdout.write("\0".join(shlex.split(ligne)) + "\0")
EOF
}

# --- Partie en direct, lancée par la partie principale dans un espace réseau isolé --------------------------
en_direct() {
    local tmp=$1
    ip link set lo up
    export REPO SAUVEGARDES="$tmp/sauvegardes"
    mkdir -p "$SAUVEGARDES"
    cd "$REPO"
    local -a cmd
    local pid_gunicorn="" pid_worker="" code corps
    # À la sortie, même sur un échec : rien ne reste en marche.
    # shellcheck disable=SC2064
    trap "arreter '$tmp'" EXIT

    # Environnement de l'essai : celui de la production, sur SQLite, fichiers statiques sans collectstatic.
    set -a
    # shellcheck disable=SC1091
    . "$tmp/essai.env"
    set +a

    "$REPO/.venv/bin/python" manage.py migrate --noinput --verbosity 0
    ok "migrate sur SQLite"

    # Les tâches planifiées : chaque ExecStart, tel quel, se termine sans erreur.
    for unite in citeslab-rappels citeslab-rappels-rdv citeslab-purge citeslab-sauvegarde; do
        mapfile -d '' -t cmd < <(commande_unite "$REPO/deploy/systemd/$unite.service")
        ((${#cmd[@]})) || echec "$unite.service : ExecStart illisible"
        timeout 120 "${cmd[@]}" >"$tmp/log/$unite.log" 2>&1 || {
            cat "$tmp/log/$unite.log" >&2
            echec "$unite.service : « ${cmd[*]} » a échoué"
        }
        ok "$unite.service : ${cmd[*]}"
    done
    [[ -s "$SAUVEGARDES/citeslab-$(date +%u).dump" ]] || echec "citeslab-sauvegarde.service n'a pas écrit citeslab-$(date +%u).dump"
    ! compgen -G "$SAUVEGARDES/*.part" >/dev/null || echec "citeslab-sauvegarde.service a laissé un fichier .part"
    ok "sauvegarde écrite : $(basename "$SAUVEGARDES"/citeslab-*.dump)"

    # Le worker : démarre, tient, s'arrête proprement sur SIGTERM (comme systemctl stop).
    mapfile -d '' -t cmd < <(commande_unite "$REPO/deploy/systemd/citeslab-worker.service")
    "${cmd[@]}" >"$tmp/log/worker.log" 2>&1 &
    pid_worker=$!
    sleep 5
    kill -0 "$pid_worker" 2>/dev/null || {
        cat "$tmp/log/worker.log" >&2
        echec "citeslab-worker.service : « ${cmd[*]} » s'est arrêté tout seul"
    }
    kill -TERM "$pid_worker"
    wait "$pid_worker" || {
        pid_worker=""
        cat "$tmp/log/worker.log" >&2
        echec "citeslab-worker.service : arrêt par SIGTERM en erreur"
    }
    pid_worker=""
    ok "citeslab-worker.service : ${cmd[*]} (5 s, puis SIGTERM : arrêt propre)"

    # gunicorn, la commande exacte de citeslab.service.
    mapfile -d '' -t cmd < <(commande_unite "$REPO/deploy/systemd/citeslab.service")
    "${cmd[@]}" >"$tmp/log/gunicorn.log" 2>&1 &
    pid_gunicorn=$!
    for _ in $(seq 1 60); do
        curl -fsS -o /dev/null -H "Host: $DOMAINE" -H "X-Forwarded-Proto: https" http://127.0.0.1:8000/healthz 2>/dev/null && break
        kill -0 "$pid_gunicorn" 2>/dev/null || break
        sleep 0.5
    done
    curl -fsS -H "Host: $DOMAINE" -H "X-Forwarded-Proto: https" http://127.0.0.1:8000/healthz >"$tmp/healthz" || {
        cat "$tmp/log/gunicorn.log" >&2
        echec "citeslab.service : « ${cmd[*]} » ne répond pas sur /healthz"
    }
    ok "citeslab.service : ${cmd[*]} → /healthz $(cat "$tmp/healthz")"

    # nginx devant, avec le vrai site.
    nginx -c "$tmp/nginx-citeslab.conf" -e "$tmp/log/error.log" -p "$tmp/"
    local url="https://$DOMAINE" resolve=(--resolve "$DOMAINE:443:127.0.0.1" --resolve "$DOMAINE:80:127.0.0.1")
    local tls=(--cacert "$tmp/certs/fullchain.pem")

    code="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "${resolve[@]}" "http://$DOMAINE/permanences/?semaine=2026-W49")"
    [[ $code == "301 $url/permanences/?semaine=2026-W49" ]] || echec "HTTP → HTTPS : « $code »"
    ok "http:// → 301 $url/…"

    corps="$(curl -fsS "${tls[@]}" "${resolve[@]}" "$url/healthz")" || echec "https://…/healthz ne répond pas par nginx"
    [[ $corps == *'"statut": "ok"'* ]] || echec "https://…/healthz : $corps"
    ok "https://…/healthz par nginx (certificat du site vérifié) : $corps"

    for chemin in / /permanences/?semaine=2026-W49 /static/css/site.css; do
        code="$(curl -sS -o /dev/null -w '%{http_code}' "${tls[@]}" "${resolve[@]}" "$url$chemin")"
        [[ $code == 200 ]] || echec "$chemin : $code par nginx"
    done
    ok "/, /permanences/?semaine=…, /static/css/site.css : 200"

    curl -sS -o /dev/null "${tls[@]}" "${resolve[@]}" "$url/ateliers/inscription/JETON-SECRET-CI/annuler/?courriel=personne@exemple.fr"
    sleep 0.2
    local journal="$tmp/log/citeslab.access.log"
    [[ -s $journal ]] || echec "journal d'accès vide ($journal)"
    if grep -E 'semaine=|JETON-SECRET-CI|courriel|personne@' "$journal"; then
        echec "le journal d'accès contient une chaîne de requête ou un jeton"
    fi
    grep -q '"GET /ateliers/inscription/-/annuler/ HTTP' "$journal" || {
        cat "$journal" >&2
        echec "le jeton d'inscription n'est pas masqué dans le journal d'accès"
    }
    ok "journal d'accès sans chaîne de requête ni jeton : $(grep -m1 '/ateliers/inscription/-/' "$journal")"

    if curl -sS -o /dev/null "${tls[@]}" --resolve "inconnu.example:443:127.0.0.1" https://inconnu.example/ 2>/dev/null; then
        echec "un nom d'hôte inconnu obtient une réponse en HTTPS"
    fi
    ok "nom d'hôte inconnu : poignée de main TLS refusée"

    head -c 7000000 /dev/zero >"$tmp/7mo"
    # curl peut se plaindre que nginx coupe l'envoi : seule compte la réponse.
    code="$(curl -sS -o "$tmp/413.html" -w '%{http_code}' "${tls[@]}" "${resolve[@]}" \
        -H 'Content-Type: application/octet-stream' --data-binary "@$tmp/7mo" "$url/contact/" 2>/dev/null || true)"
    if [[ $code != 413 ]] || ! grep -q 'trop volumineux' "$tmp/413.html"; then
        echec "envoi de 7 Mo : « $code », $(head -c 300 "$tmp/413.html" 2>/dev/null)"
    fi
    ok "envoi de 7 Mo : 413, page en français"

    kill -TERM "$pid_gunicorn"
    wait "$pid_gunicorn" || echec "gunicorn : arrêt par SIGTERM en erreur"
    pid_gunicorn=""
    code="$(curl -sS -o "$tmp/502.html" -D "$tmp/502.entetes" -w '%{http_code}' "${tls[@]}" "${resolve[@]}" "$url/")"
    [[ $code == 502 ]] || echec "gunicorn arrêté : $code au lieu de 502"
    grep -q 'Service momentanément indisponible' "$tmp/502.html" || echec "la page 502 n'est pas la page en français"
    grep -qi '^retry-after: 120' "$tmp/502.entetes" || echec "la page 502 n'a pas Retry-After"
    ok "gunicorn arrêté : 502, page « Service momentanément indisponible »"
}

arreter() {
    local tmp=$1
    if [[ -n ${pid_gunicorn:-} ]]; then kill -TERM "$pid_gunicorn" 2>/dev/null || true; fi
    if [[ -n ${pid_worker:-} ]]; then kill -TERM "$pid_worker" 2>/dev/null || true; fi
    if [[ -s $tmp/nginx.pid ]]; then
        nginx -c "$tmp/nginx-citeslab.conf" -e "$tmp/log/error.log" -p "$tmp/" -s quit 2>/dev/null || true
    fi
    wait 2>/dev/null || true
}

if [[ ${1:-} == __en_direct ]]; then
    REPO=$3
    en_direct "$2"
    exit 0
fi

# --- Partie principale ---------------------------------------------------------------------------------
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$(pwd -P)"
export REPO
[[ -x $REPO/.venv/bin/python ]] || echec "pas de .venv : lancez d'abord make install"
tmp="$(mktemp -d)"
chmod 0755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{log,certs,sites,units,acme,tmp}

echo "-- outils"
manquants=()
command -v nginx >/dev/null || manquants+=(nginx)
command -v systemd-analyze >/dev/null || manquants+=(systemd)
command -v shellcheck >/dev/null || manquants+=(shellcheck)
command -v openssl >/dev/null || manquants+=(openssl)
command -v curl >/dev/null || manquants+=(curl)
command -v unshare >/dev/null || manquants+=(util-linux)
command -v ip >/dev/null || manquants+=(iproute2)
[[ -x /bin/kill ]] || manquants+=(procps) # ExecReload= de citeslab.service : systemd-analyze verify le cherche
if ((${#manquants[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${manquants[@]}" >/dev/null
fi
ok "$(nginx -v 2>&1), $(systemd-analyze --version | head -n 1), shellcheck $(shellcheck --version | sed -n 's/^version: //p')"

echo "-- scripts"
for script in deploy/install.sh deploy/verifier.sh deploy/citeslab-manage; do
    bash -n "$script" || echec "bash -n $script"
done
shellcheck deploy/install.sh deploy/verifier.sh deploy/citeslab-manage || echec "shellcheck"
ok "bash -n et shellcheck : install.sh, verifier.sh, citeslab-manage"

echo "-- fichier d'environnement modèle"
python3 - <<'EOF'
import re, sys
settings = open("citeslab/settings.py", encoding="utf-8").read()
lues = set(re.findall(r'(?:os\.environ(?:\.get)?|env_bool|env_list|os\.getenv)\(\s*"([A-Z0-9_]+)"', settings))
lues |= set(re.findall(r'os\.environ\[\s*"([A-Z0-9_]+)"\s*\]', settings))
modele = open("deploy/citeslab.env.example", encoding="utf-8").read()
presentes = set(re.findall(r"^#?([A-Z0-9_]+)=", modele, re.M))
manquantes = sorted(lues - presentes)
if manquantes:
    sys.exit("ÉCHEC : lues par citeslab/settings.py mais absentes de deploy/citeslab.env.example : " + ", ".join(manquantes))
print(f"  ok  les {len(lues)} variables lues par citeslab/settings.py figurent dans citeslab.env.example")
EOF
# check --deploy avec les seules valeurs du modèle (et une clé secrète tirée au sort), rien d'autre.
sed "s|^DJANGO_SECRET_KEY=CHANGEZ-MOI\$|DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')|" \
    deploy/citeslab.env.example >"$tmp/modele.env"
env -i PATH=/usr/bin:/bin HOME="$tmp" bash -c 'set -euo pipefail; set -a; . "$1"; set +a; cd "$2"
    .venv/bin/python manage.py check --deploy --fail-level WARNING' _ "$tmp/modele.env" "$REPO" >"$tmp/log/check.log" 2>&1 || {
    cat "$tmp/log/check.log" >&2
    echec "manage.py check --deploy --fail-level WARNING échoue avec deploy/citeslab.env.example"
}
ok "check --deploy --fail-level WARNING passe avec citeslab.env.example"

echo "-- systemd"
touch "$tmp/citeslab.env"
for unite in deploy/systemd/*.service deploy/systemd/*.timer; do
    sed -e "s|/srv/citeslab|$REPO|g" -e "s|/etc/citeslab/citeslab.env|$tmp/citeslab.env|g" "$unite" >"$tmp/units/$(basename "$unite")"
done
if ! sortie="$(systemd-analyze verify --man=no "$tmp"/units/*.service "$tmp"/units/*.timer 2>&1)" || [[ -n $sortie ]]; then
    printf '%s\n' "$sortie" >&2
    echec "systemd-analyze verify"
fi
ok "systemd-analyze verify : $(cd deploy/systemd && echo *.service *.timer)"
for minuteur in deploy/systemd/*.timer; do
    grep -q '^Persistent=true$' "$minuteur" || echec "$minuteur : Persistent=true manque"
    quand="$(sed -n 's/^OnCalendar=//p' "$minuteur")"
    systemd-analyze calendar "$quand" >/dev/null || echec "$minuteur : OnCalendar=$quand"
    ok "$(basename "$minuteur") : OnCalendar=$quand, Persistent=true"
done

echo "-- nginx"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$DOMAINE" -addext "subjectAltName=DNS:$DOMAINE" \
    -keyout "$tmp/certs/privkey.pem" -out "$tmp/certs/fullchain.pem" 2>/dev/null
# Le site tel quel, chemins du serveur remplacés par ceux de l'essai.
en_essai() {
    sed -e "s|/etc/letsencrypt/live/$DOMAINE/|$tmp/certs/|g" -e "s|/srv/citeslab/|$REPO/|g" \
        -e "s|/var/log/nginx/|$tmp/log/|g" -e "s|/var/www/letsencrypt|$tmp/acme|g" "$1"
}
for site in citeslab citeslab-acme; do
    en_essai "deploy/nginx/$site.conf" >"$tmp/sites/$site.conf"
    # Le cadre de /etc/nginx/nginx.conf de Debian, réduit à ce qui sert ici ; root : le dépôt peut être
    # dans un dossier que www-data ne lit pas.
    cat >"$tmp/nginx-$site.conf" <<EOF
user root;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/log/error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $tmp/tmp/corps;
    proxy_temp_path $tmp/tmp/proxy;
    fastcgi_temp_path $tmp/tmp/fastcgi;
    uwsgi_temp_path $tmp/tmp/uwsgi;
    scgi_temp_path $tmp/tmp/scgi;
    access_log $tmp/log/access.log;
    include $tmp/sites/$site.conf;
}
EOF
    if ! sortie="$(nginx -t -c "$tmp/nginx-$site.conf" -e "$tmp/log/error.log" -p "$tmp/" 2>&1)" || [[ $sortie == *'[warn]'* || $sortie == *'[emerg]'* ]]; then
        printf '%s\n' "$sortie" >&2
        echec "nginx -t sur deploy/nginx/$site.conf"
    fi
    ok "nginx -t : deploy/nginx/$site.conf"
done
# Ce que le portail suppose de nginx (commentaires exclus).
site_sans_commentaires="$(sed -e 's/#.*//' deploy/nginx/citeslab.conf)"
grep -qF 'proxy_set_header X-Forwarded-For $remote_addr;' <<<"$site_sans_commentaires" || echec "X-Forwarded-For doit être écrasé par \$remote_addr (DJANGO_PROXY_COUNT=1)"
! grep -q 'proxy_add_x_forwarded_for' <<<"$site_sans_commentaires" || echec "\$proxy_add_x_forwarded_for ajoute l'en-tête du client : à remplacer par \$remote_addr"
grep -qF 'proxy_set_header X-Forwarded-Proto $scheme;' <<<"$site_sans_commentaires" || echec "X-Forwarded-Proto manque"
formats="$(grep -A3 'log_format' <<<"$site_sans_commentaires")"
if grep -Eq '\$(request_uri|request|args|query_string|arg_[a-z_]+|http_referer|http_cookie)\b' <<<"$formats"; then
    echec "log_format : ni \$request, ni \$request_uri, ni \$args, ni Referer, ni cookie"
fi
ok "X-Forwarded-For écrasé, X-Forwarded-Proto, log_format sans chaîne de requête"

echo "-- en direct : gunicorn (ExecStart de citeslab.service) derrière nginx, tâches planifiées, worker"
cat >"$tmp/essai.env" <<EOF
DJANGO_DEBUG=0
DJANGO_SECRET_KEY=ci-seulement-$(python3 -c 'import secrets; print(secrets.token_urlsafe(30))')
DJANGO_ALLOWED_HOSTS=$DOMAINE
DJANGO_CSRF_TRUSTED_ORIGINS=https://$DOMAINE
DJANGO_SITE_URL=https://$DOMAINE
DATABASE_URL=sqlite:///$tmp/essai.sqlite3
DJANGO_BEHIND_PROXY=1
DJANGO_PROXY_COUNT=1
DJANGO_STATIC_MANIFEST=0
DJANGO_CACHE_DIR=$tmp/cache
DJANGO_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
EOF
if unshare --net true 2>/dev/null; then
    unshare --net -- bash "$REPO/deploy/verifier.sh" __en_direct "$tmp" "$REPO"
else
    # Sans espace réseau à soi, les ports de l'essai doivent être libres ici.
    for port in 80 443 8000; do
        ! ss -Hltn "sport = :$port" | grep -q . || echec "port $port occupé et unshare --net indisponible"
    done
    bash "$REPO/deploy/verifier.sh" __en_direct "$tmp" "$REPO"
fi
echo "deploy/ : tout est vérifié."
