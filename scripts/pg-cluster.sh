#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests: initdb in DIR/data, the server's Unix socket in
# DIR (no TCP at all), fsync off, trust authentication on that socket only, and a database
# newszone_test owned by the cluster's superuser "newszone". The invoking user gets a superuser
# role of its own name too, so a URI without user= (libpq's default) connects as well.
#
# Usage: scripts/pg-cluster.sh start DIR   starts it (creating it first when needed); prints the URI
#        scripts/pg-cluster.sh stop DIR    stops it; nothing of it stays running
#        scripts/pg-cluster.sh uri DIR     prints the libpq URI of its test database
#
# Every command is idempotent. PostgreSQL refuses to run as root, so when invoked as root the
# server runs as the `postgres` system user (Debian's postgresql package creates it; if it is
# missing, a system user `nzpg` is created once) and DIR is handed to that user. DIR must be
# reachable by that user (under /tmp is fine) and its path may only hold [A-Za-z0-9/._-], so it
# can go into the URI as it is. Debian's system cluster, if any, is neither used nor touched.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DB=newszone_test
SUPERUSER=newszone

usage() {
	echo "usage: $0 start|stop|uri DIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
dir=$2
case "$dir" in
/*) ;;
*) dir="$(pwd)/$dir" ;;
esac
dir=${dir%/}
if [[ ! "$dir" =~ ^[A-Za-z0-9/._-]+$ ]]; then
	echo "pg-cluster: $dir: use a folder whose path holds only letters, digits and /._-" >&2
	exit 2
fi
uri="postgresql:///$DB?host=$dir&user=$SUPERUSER"

# As whom the server runs, and how to run a command as that user.
run_as=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
	if id -u postgres >/dev/null 2>&1; then
		owner=postgres
	else
		owner=nzpg
		id -u nzpg >/dev/null 2>&1 ||
			useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nzpg
	fi
	run_as=(runuser -u "$owner" --)
fi
as_owner() { "${run_as[@]}" "$@"; }

running() {
	[ -f "$dir/data/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

start() {
	if [ ! -x "$PG_BIN/initdb" ]; then
		echo "pg-cluster: $PG_BIN/initdb is missing: run scripts/install-deps.sh (Debian's postgresql)" >&2
		exit 1
	fi
	mkdir -p "$dir"
	[ "$owner" = "$(id -un)" ] || chown -R "$owner" "$dir"
	if ! as_owner test -w "$dir"; then
		echo "pg-cluster: $owner cannot write to $dir (is a parent folder private?)" >&2
		exit 1
	fi
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		rm -rf "$dir/data"
		as_owner "$PG_BIN/initdb" -D "$dir/data" -U "$SUPERUSER" -A trust -E UTF8 --no-locale \
			--no-sync --no-instructions >"$dir/initdb.log" 2>&1 || {
			cat "$dir/initdb.log" >&2
			exit 1
		}
		# Only the socket in DIR; speed over durability (the data is thrown away).
		as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<-EOF
			listen_addresses = ''
			unix_socket_directories = '$dir'
			fsync = off
			synchronous_commit = off
			full_page_writes = off
			max_connections = 40
			shared_buffers = 32MB
		EOF
	fi
	if ! running; then
		as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
			tail -20 "$dir/server.log" >&2
			exit 1
		}
	fi
	local has
	has=$(as_owner "$PG_BIN/psql" -h "$dir" -U "$SUPERUSER" -d postgres -XAtq \
		-c "SELECT count(*) FROM pg_database WHERE datname = '$DB'")
	[ "$has" = 1 ] || as_owner "$PG_BIN/createdb" -h "$dir" -U "$SUPERUSER" "$DB"
	local me
	me=$(id -un)
	if [[ "$me" != "$SUPERUSER" && "$me" =~ ^[a-z_][a-z0-9_]*$ ]]; then
		has=$(as_owner "$PG_BIN/psql" -h "$dir" -U "$SUPERUSER" -d postgres -XAtq \
			-c "SELECT count(*) FROM pg_roles WHERE rolname = '$me'")
		[ "$has" = 1 ] || as_owner "$PG_BIN/psql" -h "$dir" -U "$SUPERUSER" -d postgres -XAtq \
			-c "CREATE ROLE \"$me\" SUPERUSER LOGIN" >/dev/null
	fi
	echo "$uri"
}

stop() {
	if running; then
		as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
	fi
}

case "$cmd" in
start) start ;;
stop) stop ;;
uri) echo "$uri" ;;
*) usage ;;
esac
