# Helpers for bin/setup, bin/run and bin/test (sourced, not run).

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "This step needs root: $*" >&2; return 1; fi
}

apt_install() {
  # Debian packages the project needs from the system: venv support, services, a browser.
  command -v apt-get >/dev/null || { echo "Please install these packages: $*" >&2; return 1; }
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' 2>/dev/null | head -1)" ]; then
    as_root apt-get update -qq
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

ensure_postgres() {
  # Start PostgreSQL if it is installed but not running; install it on a machine without it.
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "Installing PostgreSQL (Debian package)…"
    apt_install postgresql postgresql-contrib
    # Let the local test suite log in over TCP as postgres with a known password.
    as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" 2>/dev/null || true
  fi
  echo "Starting PostgreSQL…"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
  echo "PostgreSQL did not start." >&2; return 1
}

ensure_redis() {
  redis_ping && return 0
  command -v redis-server >/dev/null || { echo "Installing Redis (Debian package)…"; apt_install redis-server; }
  echo "Starting Redis…"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 20); do redis_ping && return 0; sleep 0.5; done
  echo "Redis did not start." >&2; return 1
}

redis_ping() {
  .venv/bin/python - <<'PY' 2>/dev/null
import socket, sys
try:
    with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
        s.sendall(b"PING\r\n")
        sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  echo "Installing Debian's chromium for the browser tests…"
  apt_install chromium
}
