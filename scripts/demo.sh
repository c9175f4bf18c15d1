#!/usr/bin/env bash
# make demo: the module in front of a real dashboard, on loopback.
#
# Installs what is missing (Debian packages, node, the dashboard's npm
# packages), builds, then starts in a temporary directory: a private
# redis-server, the sample dashboard (examples/dashboard: Express,
# express-session + connect-redis) and Debian's nginx with the module in
# front of it.  Seeds two companies and three users, prints how to use
# them, and waits.  Ctrl-C (or SIGTERM) stops everything and removes the
# directory.
#
# Environment:
#   DEMO_PORT         nginx's port on 127.0.0.1 (default 8080)
#   DEMO_SKIP_BUILD   1: do not run make (the module must be built)
#   DEMO_SKIP_DEPS    1: do not check the Debian packages nor npm
#   DEMO_HA           1: Redis high availability as docs/operations.md has
#                     it: a replica and three sentinels (quorum 2) too, the
#                     gate on "mfa_redis_sentinel" with "mfa_redis_replicas
#                     1" (the sample dashboard stays on the first master)
#
# Once everything answers, one line for programs (the browser test):
#   DEMO_READY url=http://127.0.0.1:8080 redis_port=N dashboard_port=N dir=/tmp/...
# and with DEMO_HA, " replica_port=N sentinel_ports=N,N,N" at its end.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DASH="$REPO/examples/dashboard"
MODULE="$REPO/build/ngx_http_mfa_module.so"
MFACTL="$REPO/build/mfactl"
NGINX=${DEMO_NGINX:-/usr/sbin/nginx}
PORT=${DEMO_PORT:-8080}

say() { printf 'demo: %s\n' "$*" >&2; }
die() {
    say "$*"
    if [ -n "${TMP:-}" ]; then
        DEMO_KEEP_DIR=1     # for its logs
    fi
    exit 1
}

cd "$REPO"

# --- what is needed ------------------------------------------------------

if [ "${DEMO_SKIP_DEPS:-}" != 1 ]; then
    # the Debian packages, node and npm included
    ./scripts/install-deps.sh
    # npm ci only when the lock file changed since the last install
    if [ ! -f "$DASH/node_modules/.package-lock.json" ] \
       || [ "$DASH/package-lock.json" -nt "$DASH/node_modules/.package-lock.json" ]
    then
        npm ci --prefix "$DASH" --no-audit --no-fund
    fi
fi

if [ "${DEMO_SKIP_BUILD:-}" != 1 ]; then
    make
fi

[ -f "$MODULE" ] || die "no $MODULE: run make"
[ -x "$NGINX" ] || die "no nginx at $NGINX"
[ -d "$DASH/node_modules" ] || die "no $DASH/node_modules: npm ci --prefix $DASH"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    node -e 'const s = require("net").createServer().listen(0, "127.0.0.1",
                 () => { console.log(s.address().port); s.close(); });'
}

# waits until 127.0.0.1:$2 answers; fails when process $3 is gone
wait_port() {
    local name=$1 port=$2 pid=$3
    for _ in $(seq 1 200); do
        if listening "$port"; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || die "$name exited before listening on $port (logs: $TMP)"
        sleep 0.05
    done
    die "$name does not listen on $port after 10 s (logs: $TMP)"
}

if listening "$PORT"; then
    die "127.0.0.1:$PORT is busy: stop what listens there or choose another port with DEMO_PORT=..."
fi

# --- start and stop ------------------------------------------------------

TMP=$(mktemp -d /tmp/mfa-demo.XXXXXX)
chmod 755 "$TMP"
REDIS_PID="" DASH_PID="" NGINX_PID="" HA_PIDS=""

# shellcheck disable=SC2317  # (called by the trap)
stop() {
    local pid
    trap - EXIT INT TERM
    if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -QUIT "$NGINX_PID" 2>/dev/null || true     # graceful
        for _ in $(seq 1 50); do
            kill -0 "$NGINX_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$NGINX_PID" 2>/dev/null || true
    fi
    for pid in $DASH_PID $REDIS_PID $HA_PIDS; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $NGINX_PID $DASH_PID $REDIS_PID $HA_PIDS; do
        wait "$pid" 2>/dev/null || true
    done
    # nginx's workers, should the master have been killed
    if [ -n "$NGINX_PID" ]; then
        pkill -KILL -P "$NGINX_PID" 2>/dev/null || true
    fi
    if [ -n "${DEMO_KEEP_DIR:-}" ]; then
        say "kept $TMP"
    else
        rm -rf "$TMP"
    fi
    say "stopped"
}

trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Redis ---------------------------------------------------------------

REDIS_PORT=$(free_port)
# keyspace events: the dashboard touches every session it serves, which
# mfa_session_events lets the gate ignore
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --notify-keyspace-events 'Eg$hxn' \
    --dir "$TMP" --logfile "$TMP/redis.log" --daemonize no &
REDIS_PID=$!
wait_port redis-server "$REDIS_PORT" "$REDIS_PID"

ctl() { "$MFACTL" -p "$REDIS_PORT" "$@"; }

# a replica and three sentinels; the gate finds the master through them

REDIS_LINE="mfa_redis            127.0.0.1:$REDIS_PORT;"
HA_READY=""

if [ "${DEMO_HA:-}" = 1 ]; then
    REPLICA_PORT=$(free_port)
    redis-server --port "$REPLICA_PORT" --bind 127.0.0.1 --save "" \
        --appendonly no --dir "$TMP" --dbfilename replica.rdb \
        --notify-keyspace-events 'Eg$hxn' \
        --logfile "$TMP/replica.log" --daemonize no \
        --replicaof 127.0.0.1 "$REDIS_PORT" &
    HA_PIDS="$!"
    wait_port redis-server "$REPLICA_PORT" "$!"

    SENTINELS="" ADDRS=""
    for i in 1 2 3; do
        port=$(free_port)
        cat > "$TMP/sentinel$i.conf" <<EOF
port $port
bind 127.0.0.1
dir $TMP
logfile $TMP/sentinel$i.log
sentinel monitor mymaster 127.0.0.1 $REDIS_PORT 2
sentinel down-after-milliseconds mymaster 1000
sentinel failover-timeout mymaster 5000
EOF
        redis-sentinel "$TMP/sentinel$i.conf" &
        HA_PIDS="$HA_PIDS $!"
        wait_port redis-sentinel "$port" "$!"
        SENTINELS="$SENTINELS${SENTINELS:+,}$port"
        ADDRS="$ADDRS 127.0.0.1:$port"
    done

    REDIS_LINE="mfa_redis_sentinel   mymaster$ADDRS; mfa_redis_replicas 1 500ms;"
    HA_READY=" replica_port=$REPLICA_PORT sentinel_ports=$SENTINELS"
fi

# --- the secret key, the data --------------------------------------------

if [ -x "$MFACTL" ]; then
    "$MFACTL" genkey "$TMP/mfa.key" >/dev/null
else
    (umask 077 && head -c 32 /dev/urandom > "$TMP/mfa.key")
fi

# companies and users come from the dashboard's own data file
declare -a COMPANIES=() USERS=()
while read -r kind id a b c rest; do
    case $kind in
    company)
        COMPANIES+=("$id|$a|$b${c:+ $c}${rest:+ $rest}")
        if [ -x "$MFACTL" ]; then
            [ "$a" = 1 ] && onoff=on || onoff=off
            ctl company require "$id" "$onoff" >/dev/null
        else
            redis-cli -p "$REDIS_PORT" HSET "mfa:company:$id" require_2fa "$a" >/dev/null
        fi
        # the display name the module's pages show, as a dashboard keeps it
        redis-cli -p "$REDIS_PORT" HSET "mfa:company:$id" \
            name "$b${c:+ $c}${rest:+ $rest}" >/dev/null
        ;;
    user)
        USERS+=("$id|$a|$b|$c|$rest")
        for cid in ${b//,/ }; do
            if [ -x "$MFACTL" ]; then
                ctl member add "$cid" "$id" >/dev/null
            else
                redis-cli -p "$REDIS_PORT" SADD "mfa:company:$cid:members" "$id" >/dev/null
                redis-cli -p "$REDIS_PORT" SADD "mfa:user:$id:companies" "$cid" >/dev/null
            fi
        done
        ;;
    esac
done < <(node "$DASH/users.js")
if [ ${#COMPANIES[@]} = 0 ] || [ ${#USERS[@]} = 0 ]; then
    die "no companies or users from $DASH/users.js"
fi

# the data is there: a Redis that loses it fails closed (mfa_redis_canary_key)
redis-cli -p "$REDIS_PORT" SET mfa:canary "the demo's data" >/dev/null

# --- the dashboard -------------------------------------------------------

# the dashboard's session secret: the app signs its cookie with it, the
# gate checks the signature with the same file
(umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' \
    > "$TMP/session.secret")

DASH_PORT=$(free_port)
PORT="$DASH_PORT" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    SESSION_SECRET=$(cat "$TMP/session.secret") \
    node "$DASH/server.js" > "$TMP/dashboard.log" 2>&1 &
DASH_PID=$!
wait_port dashboard "$DASH_PORT" "$DASH_PID"

# --- nginx ---------------------------------------------------------------

# nginx loads a copy: a rebuild while the demo runs does not pull the
# code from under its workers
cp "$MODULE" "$TMP/ngx_http_mfa_module.so"

USER_LINE=""
if [ "$(id -u)" = 0 ]; then
    USER_LINE="user nobody nogroup;"
fi

cat > "$TMP/nginx.conf" <<EOF
load_module $TMP/ngx_http_mfa_module.so;
$USER_LINE
pid $TMP/nginx.pid;
lock_file $TMP/nginx.lock;
error_log $TMP/error.log notice;
worker_processes 1;

events {}

http {
    access_log $TMP/access.log;
    client_body_temp_path $TMP/client_body_temp;
    proxy_temp_path $TMP/proxy_temp;
    fastcgi_temp_path $TMP/fastcgi_temp;
    uwsgi_temp_path $TMP/uwsgi_temp;
    scgi_temp_path $TMP/scgi_temp;

    $REDIS_LINE
    mfa_redis_canary_key mfa:canary;
    mfa_session_events   on;
    mfa_secret_key_file  $TMP/mfa.key;
    mfa_issuer           "Demo Dashboard";

    upstream dashboard {
        server 127.0.0.1:$DASH_PORT;
        keepalive 8;
    }

    server {
        listen 127.0.0.1:$PORT;

        # express-session's signed cookie, read and checked as express
        # does; the dashboard sees only the session the gate decided on
        mfa_session_cookie   sid express secret_file=$TMP/session.secret;
        mfa_session_key      sess:\$mfa_session_id;
        mfa_session_format   json;
        mfa_session_user     user.id;
        mfa_session_company  company_id;
        mfa_session_admin    is_admin;
        mfa_logout_url       /logout;

        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$host;

        location / {
            mfa on;
            proxy_pass http://dashboard;
        }

        # the way out, and the company picker: a user whom one company's
        # mandate stops may still log out or choose a company without one
        # (the dashboard only lets users pick their own companies, and gives
        # the session a new id when they do).  The dashboard gets the path
        # nginx matched, not the one the client wrote ("/x/../logout"
        # would reach it as written, and as another page).
        location = /logout {
            mfa off;
            proxy_pass http://dashboard/logout;
        }
        location = /switch {
            mfa off;
            proxy_pass http://dashboard/switch;
        }
    }
}
EOF

"$NGINX" -p "$TMP" -e "$TMP/error.log" -c "$TMP/nginx.conf" -t -q \
    || die "nginx -t failed"
"$NGINX" -p "$TMP" -e "$TMP/error.log" -c "$TMP/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
wait_port nginx "$PORT" "$NGINX_PID"

# --- the banner ----------------------------------------------------------

URL="http://127.0.0.1:$PORT"
CTL="$MFACTL -p $REDIS_PORT"

{
    echo
    echo "  The demo runs: open $URL/"
    echo
    echo "  Companies"
    for c in "${COMPANIES[@]}"; do
        IFS='|' read -r id req name <<<"$c"
        [ "$req" = 1 ] && what="requires 2FA" || what="does not require 2FA"
        printf '    %-8s %-12s %s\n' "$id" "$name" "$what"
    done
    echo
    echo "  Users (user name / password)"
    for u in "${USERS[@]}"; do
        IFS='|' read -r id pw cids admin name <<<"$u"
        role="member of ${cids//,/, }"
        [ "$admin" != - ] && role="$role; admin of ${admin//,/, }"
        printf '    %-7s %-12s %-14s %s\n' "$id" "$pw" "$name" "$role"
    done
    echo
    echo "  Try: log in as bob (Acme requires 2FA: enrolment at once), as carol"
    echo "  (Globex: the dashboard), then as alice: choose Globex, open"
    echo "  \"Company 2FA (admin)\" and require 2FA; carol's next click enrols her."
    echo "  Codes for the secret the enrolment page shows:"
    echo "    oathtool --totp -b <secret>"
    echo
    echo "  The admin CLI"
    echo "    $CTL company show acme"
    echo "    $CTL company report acme"
    echo "    $CTL company require globex on"
    echo "    $CTL user show alice"
    echo "    $CTL audit -n 10"
    echo "    redis-cli -p $REDIS_PORT --scan --pattern 'mfa:*'"
    echo
    echo "  Logs: $TMP/{error,access}.log, $TMP/dashboard.log"
    echo "  Ctrl-C stops everything."
    echo
    if [ -n "$HA_READY" ]; then
        echo "  Redis HA: replica on $REPLICA_PORT, sentinels on $SENTINELS"
        echo "  (master \"mymaster\"); the dashboard stays on $REDIS_PORT."
        echo
    fi
    echo "DEMO_READY url=$URL redis_port=$REDIS_PORT dashboard_port=$DASH_PORT dir=$TMP$HA_READY"
}

# --- wait ----------------------------------------------------------------

# until Ctrl-C, or until one of the three stops by itself (with DEMO_HA,
# a Redis may be killed to see a failover: nginx and the dashboard only)
if [ -n "$HA_READY" ]; then
    wait -n "$DASH_PID" "$NGINX_PID" || true
else
    wait -n "$REDIS_PID" "$DASH_PID" "$NGINX_PID" || true
fi
for name in redis:$REDIS_PID dashboard:$DASH_PID nginx:$NGINX_PID; do
    kill -0 "${name#*:}" 2>/dev/null || say "${name%%:*} stopped unexpectedly (logs: $TMP)"
done
DEMO_KEEP_DIR=1
exit 1
