# bench/lib.sh — what the benchmarks share: the run's temp dir and its
# cleanup, durations, stopping a process, a free loopback port, gridgov on a
# database, signing in, nginx serving one static file. Source it after
# setting BIN (the gridgov binary), SERVER_THREADS and DEMO_PASSWORD, and
# defining die(); then bench_tmpdir makes TMP. Everything listens on
# 127.0.0.1 and every wait is bounded.

secs() { # "10s" / "2m" / "10" -> seconds
  case "$1" in
    *m) echo $((${1%m} * 60)) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}

# bench_tmpdir PARENT NAME: TMP=PARENT/NAME.XXXXXX, and on exit (any exit,
# Ctrl-C included) the processes the helpers below started are stopped,
# clients before the server, and TMP removed. Scripts keep their pids in
# WRK_PID (load generator), RSS_PID (sampler), NGX_PID and GG_PID.
bench_tmpdir() {
  TMP=$(mktemp -d "$1/$2.XXXXXX")
  GG_PID="" NGX_PID="" WRK_PID="" RSS_PID=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  stop "$RSS_PID"
  stop "$WRK_PID"
  stop "$NGX_PID"
  stop "$GG_PID"
  rm -rf "$TMP"
}

stop() { # pid: TERM, up to 10 s, then KILL
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# a loopback port nothing answers on, below the ephemeral range (where the
# benchmark's own client ports could be taking it); a bind error is retried
free_port() {
  local p lo
  lo=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$lo" -gt 11000 ] || lo=32768
  for _ in $(seq 50); do
    p=$((10000 + RANDOM % (lo - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free port found"
}

# start_server DB: gridgov on a free loopback port, no rate limit, no access
# log; sets GG_PID and GG (base URL)
start_server() {
  GG_RATE_LIMIT=0 GG_ACCESS_LOG=0 "$BIN" serve --db "$1" --listen 127.0.0.1:0 \
    --threads "$SERVER_THREADS" >"$TMP/gridgov.log" 2>&1 &
  GG_PID=$!
  local port=""
  for _ in $(seq 600); do
    port=$(sed -n 's|.*serving http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$TMP/gridgov.log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$GG_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$TMP/gridgov.log" >&2; die "gridgov did not start"; }
  GG=http://127.0.0.1:$port
}

# login USER: sets COOKIE ("gg_session=…"), CSRF and HOME_PLACE (the user's
# first assigned place; empty for a global administrator)
login() {
  curl -sS -m 10 -D "$TMP/login.h" -o "$TMP/login.json" -H 'Content-Type: application/json' \
    --data "{\"username\":\"$1\",\"password\":\"$DEMO_PASSWORD\"}" "$GG/api/v1/session"
  COOKIE=gg_session=$(sed -n 's/^[Ss]et-[Cc]ookie: gg_session=\([^;]*\);.*/\1/p' "$TMP/login.h" | head -1)
  CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$TMP/login.json")
  HOME_PLACE=$(sed -n 's/.*"place_ids":\["\([0-9]*\)".*/\1/p' "$TMP/login.json")
  if [ "$COOKIE" = gg_session= ] || [ -z "$CSRF" ]; then
    cat "$TMP/login.h" "$TMP/login.json" >&2
    die "login as $1 failed"
  fi
}

# start_nginx BYTES: nginx (Debian nginx-light) in the foreground with its own
# config: SERVER_THREADS workers, no logs, no cap on keep-alive requests, one
# static file of BYTES bytes. Sets NGX_PID and NGX (the file's URL).
start_nginx() {
  local nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  [ -x "$nginx" ] || die "nginx not found (Debian: apt-get install nginx-light)"
  chmod 755 "$TMP" # started as root, nginx serves as nobody: the file must be readable
  mkdir -p "$TMP/nginx/www" "$TMP/nginx/tmp"
  head -c "$1" /dev/zero | tr '\0' 'x' >"$TMP/nginx/www/static.txt"
  chmod -R a+rX "$TMP/nginx"
  local attempt code port
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    cat >"$TMP/nginx/nginx.conf" <<EOF
# minimal nginx for the benchmark: one static file, no logs, loopback only
daemon off;
worker_processes $SERVER_THREADS;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
    scgi_temp_path $TMP/nginx/tmp/scgi;
    default_type text/plain;
    server {
        listen 127.0.0.1:$port;
        root $TMP/nginx/www;
    }
}
EOF
    "$nginx" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" \
      >"$TMP/nginx/stdout.log" 2>&1 &
    NGX_PID=$!
    NGX=http://127.0.0.1:$port/static.txt
    for _ in $(seq 100); do
      code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$NGX" || true)
      [ "$code" = 200 ] && return 0
      kill -0 "$NGX_PID" 2>/dev/null || break
      sleep 0.1
    done
    stop "$NGX_PID"
    NGX_PID=""
  done
  cat "$TMP/nginx/error.log" "$TMP/nginx/stdout.log" >&2 || true
  die "nginx did not start"
}
