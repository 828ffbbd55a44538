#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests: initdb in DIR/data, the server's Unix socket in
# DIR (no TCP at all), fsync off, trust authentication on that socket only, and a database
# newszone_test owned by the cluster's superuser "newszone". The invoking user gets a superuser
# role of its own name too, so a URI without user= (libpq's default) connects as well.
#
# Usage: scripts/pg-cluster.sh start DIR   starts it (creating it first when needed); prints the URI
#        scripts/pg-cluster.sh stop DIR    stops it; nothing of it stays running
#        scripts/pg-cluster.sh uri DIR     prints the libpq URI of its test database
#        scripts/pg-cluster.sh replica PRIMARY_DIR DIR
#                                          makes DIR a streaming replica of the running cluster
#                                          in PRIMARY_DIR (pg_basebackup -R over its socket,
#                                          once), starts it on its own socket in DIR (hot
#                                          standby: read-only queries); prints its URI. `stop
#                                          DIR` and `uri DIR` work on it as on any cluster.
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
	echo "usage: $0 start|stop|uri DIR, or $0 replica PRIMARY_DIR DIR" >&2
	exit 2
}
# An absolute folder path without a trailing slash, checked (it goes into URIs as it is).
folder() {
	local d=$1
	case "$d" in
	/*) ;;
	*) d="$(pwd)/$d" ;;
	esac
	d=${d%/}
	if [[ ! "$d" =~ ^[A-Za-z0-9/._-]+$ ]]; then
		echo "pg-cluster: $d: use a folder whose path holds only letters, digits and /._-" >&2
		exit 2
	fi
	echo "$d"
}
cmd=${1:-}
primary=
if [ "$cmd" = replica ]; then
	[ $# -eq 3 ] || usage
	primary=$(folder "$2")
	dir=$(folder "$3")
else
	[ $# -eq 2 ] || usage
	dir=$(folder "$2")
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

# A hot standby of the cluster in $primary: a base backup over its socket with the WAL streamed
# alongside and standby.signal plus primary_conninfo written (-R), then its own socket.
# PostgreSQL 15's defaults (wal_level = replica, max_wal_senders = 10) and initdb's trust line
# for local replication connections allow it. One setting changes on the primary:
# synchronous_commit goes back to on (start sets it off), since a WAL sender sends only WAL
# flushed, and with it off a commit waits for the WAL writer (wal_writer_delay, 200 ms) before
# any replica sees it: half a second of lag instead of a few milliseconds (docs/deployment.md).
replica() {
	if [ ! -f "$primary/data/PG_VERSION" ] || ! as_owner "$PG_BIN/pg_ctl" -D "$primary/data" status >/dev/null 2>&1; then
		echo "pg-cluster: $primary: no running cluster there to copy (start it first)" >&2
		exit 1
	fi
	as_owner "$PG_BIN/psql" -h "$primary" -U "$SUPERUSER" -d postgres -XAtq \
		-c "ALTER SYSTEM SET synchronous_commit = on" -c "SELECT pg_reload_conf()" >/dev/null
	mkdir -p "$dir"
	[ "$owner" = "$(id -un)" ] || chown -R "$owner" "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		rm -rf "$dir/data"
		as_owner "$PG_BIN/pg_basebackup" -h "$primary" -U "$SUPERUSER" -D "$dir/data" -R \
			-X stream -c fast --no-sync >"$dir/basebackup.log" 2>&1 || {
			cat "$dir/basebackup.log" >&2
			rm -rf "$dir/data"
			exit 1
		}
		as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<-EOF
			# a replica of $primary
			unix_socket_directories = '$dir'
			hot_standby = on
		EOF
	fi
	if ! running; then
		as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
			tail -20 "$dir/server.log" >&2
			exit 1
		}
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
replica) replica ;;
uri) echo "$uri" ;;
*) usage ;;
esac
