#!/usr/bin/env bash
# Validate the deploy files without installing them: the systemd units with
# `systemd-analyze verify` and the nginx site with `nginx -t`. Needs Debian's `systemd` and
# `nginx` packages (.ci/run installs them) and the venv (`make .venv/.installed`).
#
# The units name /opt/hocvuso/.venv/bin/hocvuso, and verify checks that ExecStart exists, so a
# copy is verified with ExecStart pointing at this checkout's venv. The site names certbot's
# certificate files, so a copy is tested with a self-signed certificate made here, under a
# temporary nginx prefix (nothing in /etc is touched).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HOCVUSO="$ROOT/.venv/bin/hocvuso"
[ -x "$HOCVUSO" ] || { echo "deploy/check.sh: $HOCVUSO missing; run make first" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --- systemd ------------------------------------------------------------------------------
mkdir "$WORK/units"
cp deploy/systemd/*.service deploy/systemd/*.timer "$WORK/units/"
sed -i "s#/opt/hocvuso/.venv/bin/hocvuso#$HOCVUSO#" "$WORK"/units/*.service
grep -q "ExecStart=$HOCVUSO run" "$WORK/units/hocvuso.service"
# verify exits 0 on some findings (an unknown key is only a warning): any line about our units
# fails the check.
(cd "$WORK/units" && systemd-analyze verify --man=no ./*.service ./*.timer) \
  >"$WORK/verify.log" 2>&1 || { cat "$WORK/verify.log" >&2; exit 1; }
if grep -i "hocvuso" "$WORK/verify.log" >&2; then
  echo "deploy/check.sh: systemd-analyze verify found problems in the units" >&2
  exit 1
fi
echo "systemd units: ok"

# --- nginx --------------------------------------------------------------------------------
mkdir -p "$WORK/nginx/logs"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=hocvuso.example.vn" \
  -keyout "$WORK/nginx/key.pem" -out "$WORK/nginx/cert.pem" 2>/dev/null
sed -e "s#/etc/letsencrypt/live/hocvuso.example.vn/fullchain.pem#$WORK/nginx/cert.pem#" \
    -e "s#/etc/letsencrypt/live/hocvuso.example.vn/privkey.pem#$WORK/nginx/key.pem#" \
    -e "s#/var/log/nginx/#$WORK/nginx/logs/#" \
    deploy/nginx/hocvuso.conf >"$WORK/nginx/site.conf"
if grep -n "/etc/letsencrypt\|/var/log/nginx" "$WORK/nginx/site.conf" >&2; then
  echo "deploy/check.sh: the site's paths changed; update this script's substitutions" >&2
  exit 1
fi
cat >"$WORK/nginx/nginx.conf" <<EOF
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log $WORK/nginx/logs/access.log;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $WORK/nginx/site.conf;
}
EOF
nginx -t -q -p "$WORK/nginx" -e "$WORK/nginx/logs/error.log" -c "$WORK/nginx/nginx.conf"
echo "nginx site: ok"
