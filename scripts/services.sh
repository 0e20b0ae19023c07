#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Services coflow's tests use: a throw-away PostgreSQL 15 server and a throw-away Redis server.
#
#   . scripts/services.sh && start_services   # exports COFLOW_PG_CONNINFO and COFLOW_REDIS
#   ctest --test-dir build/debug -R sql        # the postgres tests now run instead of skipping
#   stop_services
#
# scripts/test.sh sources this file and calls both. The server runs as the `postgres` system
# user when started by root (initdb refuses root), as the caller otherwise; it listens on
# 127.0.0.1 only, on COFLOW_PG_PORT (default: the first free port from 54329), with its unix
# socket in the temporary data directory.
#
# The Redis server listens on 127.0.0.1 only, on COFLOW_REDIS_PORT (default: the first free
# port from 63790), keeps nothing on disk (no RDB snapshots, no AOF), and runs in a temporary
# directory of its own; COFLOW_REDIS is "127.0.0.1:<port>".

coflow_pg_bin=${COFLOW_PG_BIN:-/usr/lib/postgresql/15/bin}

coflow_as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

coflow_free_port() {
  local port=$1
  while (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null; do
    port=$((port + 1))
  done
  echo "$port"
}

start_redis() {
  if ! command -v redis-server >/dev/null; then
    echo "coflow: redis-server not found; the Redis tests will be skipped" >&2
    return 0
  fi
  COFLOW_REDIS_DIR=$(mktemp -d /tmp/coflow-redis.XXXXXX)
  local port
  port=${COFLOW_REDIS_PORT:-$(coflow_free_port 63790)}
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$COFLOW_REDIS_DIR" \
    --daemonize yes --pidfile "$COFLOW_REDIS_DIR/redis.pid" --logfile "$COFLOW_REDIS_DIR/redis.log" || {
    echo "coflow: the Redis server did not start" >&2
    return 1
  }
  local tries=0
  until (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
      echo "coflow: the Redis server did not listen on port $port:" >&2
      cat "$COFLOW_REDIS_DIR/redis.log" >&2
      return 1
    fi
    sleep 0.05
  done
  export COFLOW_REDIS_DIR
  export COFLOW_REDIS="127.0.0.1:$port"
  echo "coflow: Redis running: COFLOW_REDIS=$COFLOW_REDIS"
}

stop_redis() {
  if [ -n "${COFLOW_REDIS_DIR:-}" ] && [ -d "$COFLOW_REDIS_DIR" ]; then
    if [ -f "$COFLOW_REDIS_DIR/redis.pid" ]; then
      local pid
      pid=$(cat "$COFLOW_REDIS_DIR/redis.pid")
      kill "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    fi
    rm -rf "$COFLOW_REDIS_DIR"
  fi
  unset COFLOW_REDIS_DIR COFLOW_REDIS
}

start_services() {
  start_redis || return 1
  start_postgres
}

start_postgres() {
  if [ ! -x "$coflow_pg_bin/initdb" ]; then
    echo "coflow: $coflow_pg_bin/initdb not found; the PostgreSQL tests will be skipped" >&2
    return 0
  fi
  COFLOW_PG_DIR=$(mktemp -d /tmp/coflow-pg.XXXXXX)
  chmod 755 "$COFLOW_PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$COFLOW_PG_DIR"; fi
  local port
  port=${COFLOW_PG_PORT:-$(coflow_free_port 54329)}
  coflow_as_pg_user "$coflow_pg_bin/initdb" -D "$COFLOW_PG_DIR/data" -U coflow --auth=trust \
    --no-sync -E UTF8 --locale=C >"$COFLOW_PG_DIR/initdb.log" 2>&1 || {
    echo "coflow: initdb failed:" >&2
    cat "$COFLOW_PG_DIR/initdb.log" >&2
    return 1
  }
  coflow_as_pg_user "$coflow_pg_bin/pg_ctl" -D "$COFLOW_PG_DIR/data" -l "$COFLOW_PG_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $COFLOW_PG_DIR -c fsync=off" start >/dev/null || {
    echo "coflow: the PostgreSQL server did not start:" >&2
    cat "$COFLOW_PG_DIR/server.log" >&2
    return 1
  }
  coflow_as_pg_user "$coflow_pg_bin/createdb" -h 127.0.0.1 -p "$port" -U coflow coflow_test
  export COFLOW_PG_DIR
  export COFLOW_PG_CONNINFO="host=127.0.0.1 port=$port user=coflow dbname=coflow_test"
  echo "coflow: PostgreSQL running: COFLOW_PG_CONNINFO=\"$COFLOW_PG_CONNINFO\""
}

stop_services() {
  stop_redis
  if [ -n "${COFLOW_PG_DIR:-}" ] && [ -d "$COFLOW_PG_DIR" ]; then
    coflow_as_pg_user "$coflow_pg_bin/pg_ctl" -D "$COFLOW_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$COFLOW_PG_DIR"
  fi
  unset COFLOW_PG_DIR COFLOW_PG_CONNINFO
}
