#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a PostgreSQL + PostGIS database.
#
#   scripts/with-postgres.sh cargo test -p renkei-store
#
# If DATABASE_URL is already set, the command just runs with it. Otherwise a
# throwaway cluster is created in a temporary directory, started on a free
# loopback port (127.0.0.1 only; its unix socket stays in that directory, so a
# system PostgreSQL is not disturbed), a database with PostGIS is created, the
# command runs, and the cluster is stopped and deleted on exit. The script
# exits with the command's status. It also exports RENKEI_PG_CTL, the pg_ctl
# command line of that cluster, so tests can stop and restart PostgreSQL.
#
# PostgreSQL 15 and PostGIS 3 are installed with apt-get when missing.
# Override with PG_VERSION=16 (then postgresql-16-postgis-3 is used).
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 64
fi

if [[ -n "${DATABASE_URL:-}" ]]; then
    exec "$@"
fi

PG_VERSION="${PG_VERSION:-15}"
PG_BIN="/usr/lib/postgresql/${PG_VERSION}/bin"
POSTGIS_CONTROL="/usr/share/postgresql/${PG_VERSION}/extension/postgis.control"

log() { echo "with-postgres: $*" >&2; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

install_postgres() {
    local packages=()
    [[ -x "${PG_BIN}/initdb" ]] || packages+=("postgresql-${PG_VERSION}")
    [[ -f "${POSTGIS_CONTROL}" ]] || packages+=("postgresql-${PG_VERSION}-postgis-3")
    if [[ ${#packages[@]} -gt 0 ]]; then
        log "installing ${packages[*]}"
        as_root apt-get update -qq
        # The package's own cluster is not needed: only the binaries are.
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

install_postgres

# PostgreSQL refuses to run as root: run the cluster as the postgres user then.
RUN_AS=()
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    RUN_AS=(runuser -u postgres --)
fi

PGDIR="$(mktemp -d "${TMPDIR:-/tmp}/renkei-pg.XXXXXX")"
if [[ ${#RUN_AS[@]} -gt 0 ]]; then
    chown postgres: "${PGDIR}"
fi
chmod 700 "${PGDIR}"

cleanup() {
    local status=$?
    if [[ -f "${PGDIR}/data/postmaster.pid" ]]; then
        "${RUN_AS[@]}" "${PG_BIN}/pg_ctl" -D "${PGDIR}/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "${PGDIR}"
    exit "${status}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "initialising a throwaway cluster in ${PGDIR}"
"${RUN_AS[@]}" "${PG_BIN}/initdb" -D "${PGDIR}/data" -U renkei --auth=trust -E UTF8 --locale=C.UTF-8 >"${PGDIR}/initdb.log" 2>&1 ||
    { cat "${PGDIR}/initdb.log" >&2; exit 1; }

# Settings go into postgresql.conf (not `pg_ctl -o`), so a plain
# `pg_ctl stop` / `pg_ctl start` (RENKEI_PG_CTL below) restarts the same server.
# A port can be taken between choosing and binding it: try a few (a later line
# in postgresql.conf overrides an earlier one).
started=""
for _ in 1 2 3 4 5; do
    PORT="$(free_port)"
    cat >>"${PGDIR}/data/postgresql.conf" <<CONF
# renkei throwaway test cluster
listen_addresses = '127.0.0.1'
port = ${PORT}
unix_socket_directories = '${PGDIR}'
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 200
CONF
    if "${RUN_AS[@]}" "${PG_BIN}/pg_ctl" -D "${PGDIR}/data" -l "${PGDIR}/server.log" -w -t 60 start >/dev/null; then
        started=1
        break
    fi
done
if [[ -z "${started}" ]]; then
    log "PostgreSQL did not start; server log:"
    cat "${PGDIR}/server.log" >&2 || true
    exit 1
fi

"${RUN_AS[@]}" "${PG_BIN}/psql" -X -q -v ON_ERROR_STOP=1 -h "${PGDIR}" -p "${PORT}" -U renkei -d postgres \
    -c "CREATE DATABASE renkei" >/dev/null
"${RUN_AS[@]}" "${PG_BIN}/psql" -X -q -v ON_ERROR_STOP=1 -h "${PGDIR}" -p "${PORT}" -U renkei -d renkei \
    -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null

export DATABASE_URL="postgres://renkei@127.0.0.1:${PORT}/renkei"
# How tests stop and start this cluster (append `-m fast -w stop` or `-w start`);
# words separated by spaces. Unset when DATABASE_URL came from outside.
export RENKEI_PG_CTL="${RUN_AS[*]} ${PG_BIN}/pg_ctl -D ${PGDIR}/data -l ${PGDIR}/server.log"
log "DATABASE_URL=${DATABASE_URL}"
log "RENKEI_PG_CTL=${RENKEI_PG_CTL}"

set +e
"$@"
status=$?
set -e
exit "${status}"
