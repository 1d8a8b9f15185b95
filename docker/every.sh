#!/bin/sh
# A cron entry in a container: run a command now and then every INTERVAL seconds, for ever.
#
#   docker/every.sh 86400 python manage.py copy_catalog
#
# A failed run is logged (one JSON line, like the application's) and the schedule goes on. SIGTERM (docker
# stop) ends the wait at once; a run in progress is allowed to finish.
set -u

if [ "$#" -lt 2 ]; then
    echo "usage: $0 INTERVAL_SECONDS COMMAND [ARGUMENT ...]" >&2
    exit 64
fi
interval="$1"
shift

log() {
    message=$(printf '%s' "$2" | sed 's/\\/\\\\/g; s/"/\\"/g')
    printf '{"time": "%s", "level": "%s", "logger": "docker.every", "message": "%s"}\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%S+00:00)" "$1" "$message"
}

trap 'log INFO "stopping"; exit 0' TERM INT

while :; do
    log INFO "running: $*"
    "$@"
    status=$?
    if [ "$status" -ne 0 ]; then
        log ERROR "exit status $status: $*"
    fi
    sleep "$interval" &
    wait $!
done
