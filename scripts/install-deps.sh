#!/bin/sh
# Install every Debian package that building, running and testing need.
# Idempotent: packages already present are not touched, apt is not asked.
set -eu

PKGS="build-essential nginx nginx-dev libpcre2-dev zlib1g-dev libssl-dev
libhiredis-dev libjansson-dev libqrencode-dev redis-server oathtool
libcmocka-dev clang libclang-rt-14-dev valgrind perl wrk bc procps curl
chromium lua-check"

# make lint and make compile-db
PKGS="$PKGS cppcheck clang-tidy bear"

# the test apps of t/apps/ (the node ones come from npm, see the Makefile):
# Flask with Flask-Session, Django with django-redis, PHP-FPM with
# php-redis (which brings php-igbinary, loaded with it), Rack with
# redis-rack on WEBrick, a servlet on Tomcat 10 embedded (Spring Session's
# cookie and hash), Laravel 8 on the same PHP-FPM (Debian's Illuminate
# packages, with php-mbstring; the openssl command decrypts its cookie in
# the tests)
PKGS="$PKGS python3-flask python3-flask-session python3-django
python3-django-redis python3-redis php-fpm php-redis ruby ruby-rack
ruby-redis-rack ruby-webrick openjdk-17-jdk-headless libtomcat10-java
php-laravel-framework openssl"

# Redis Sentinel, for the high-availability tests (t/mfactl_sentinel.t)
PKGS="$PKGS redis-sentinel"

# the Prometheus project's parser of the text format (t/metrics.t) and a
# real Prometheus server that scrapes the gate (t/metrics_prometheus.t)
PKGS="$PKGS python3-prometheus-client prometheus"

# Node.js for the browser tests and the demo dashboard: Debian's, unless a
# node (and its npm) is already there, from NodeSource for instance
if ! command -v node >/dev/null 2>&1; then
    PKGS="$PKGS nodejs"
fi
if ! command -v npm >/dev/null 2>&1; then
    PKGS="$PKGS npm"
fi

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'
    then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
