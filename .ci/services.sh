#!/usr/bin/env bash
# Starts the local services the integration suites use, if they are not already up:
# PostgreSQL (metadata), Redis (queue, caches) and ClickHouse (scale-out event store).
set -uo pipefail

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi

# ClickHouse answers `Ok.` on GET /ping once it accepts queries.
clickhouse_up() { [ "$(curl -s --max-time 2 http://127.0.0.1:8123/ping 2>/dev/null)" = "Ok." ]; }

start_clickhouse() {
  local bin config data logs
  bin="$(command -v clickhouse-server || true)"
  if [ -z "$bin" ]; then
    echo "services.sh: clickhouse-server is not installed; the ClickHouse suites will skip (or fail under CI=true)" >&2
    return 0
  fi
  config=/etc/clickhouse-server/config.xml
  data=/var/lib/clickhouse
  logs=/var/log/clickhouse-server
  # The server refuses to run as root over files owned by another user, so it runs as the
  # package's `clickhouse` user with its own data and log directories, as the systemd unit does.
  if [ "$(id -u)" = "0" ] && id clickhouse >/dev/null 2>&1; then
    mkdir -p "$data" "$logs"
    chown -R clickhouse:clickhouse "$data" "$logs"
    runuser -u clickhouse -- "$bin" --config="$config" --daemon --pid-file="$data/clickhouse-server.pid" || true
  else
    "$bin" --config="$config" --daemon --pid-file="$data/clickhouse-server.pid" || true
  fi
  for _ in $(seq 1 60); do
    clickhouse_up && return 0
    sleep 1
  done
  echo "services.sh: ClickHouse did not answer on 127.0.0.1:8123 within 60 s; see $logs/clickhouse-server.err.log" >&2
  tail -n 20 "$logs/clickhouse-server.err.log" >&2 2>/dev/null || true
}

clickhouse_up || start_clickhouse

exit 0
