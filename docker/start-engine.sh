#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine, without any image registry: installs Debian's docker.io
# when dockerd is missing, starts dockerd in the background when no engine answers, and waits for it.
#
#   docker/start-engine.sh            # idempotent: a running engine is left as it is
#
# The engine runs with host networking only (--bridge=none, no iptables rules): the harness's containers use
# the host's network, so nothing else is needed. Its log: $DOCKERD_LOG (default /var/log/gp-harness-dockerd.log).
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/gp-harness-dockerd.log}"
WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-60}"

engine_answers() {
  docker info >/dev/null 2>&1
}

if engine_answers; then
  echo "docker engine: already running"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker engine: dockerd is missing; installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends docker.io >/dev/null; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends docker.io >/dev/null
  fi
  # Where the package's own service start worked, that engine will do.
  if engine_answers; then
    echo "docker engine: running (started by the docker.io package)"
    exit 0
  fi
fi

# Whether a process runs: a zombie (dead, its parent never reaping it) does not count.
is_running() {
  local state
  state="$(sed -E 's/.*\) ([A-Z]).*/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# An engine still starting up, or shutting down: wait until it answers or is gone.
previous="$(cat /var/run/docker.pid 2>/dev/null || true)"
if [ -n "$previous" ] && is_running "$previous"; then
  echo "docker engine: dockerd ($previous) runs but does not answer yet; waiting"
  deadline=$((SECONDS + WAIT_SECONDS))
  until engine_answers || ! is_running "$previous" || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.5; done
  if engine_answers; then
    echo "docker engine: running"
    exit 0
  fi
  if is_running "$previous"; then
    echo "docker engine: dockerd ($previous) neither answers nor exits; its log: $DOCKERD_LOG" >&2
    exit 1
  fi
fi

# A pid file left by an engine that was killed stops the next one from starting.
for pidfile in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
  if [ -f "$pidfile" ] && ! is_running "$(cat "$pidfile")"; then rm -f "$pidfile"; fi
done

echo "docker engine: starting dockerd (log: $DOCKERD_LOG)"
mkdir -p "$(dirname "$DOCKERD_LOG")"
log_start=$(($(wc -l <"$DOCKERD_LOG" 2>/dev/null || echo 0) + 1))
setsid nohup dockerd --bridge=none --iptables=false --ip6tables=false >>"$DOCKERD_LOG" 2>&1 </dev/null &
dockerd_pid=$!

deadline=$((SECONDS + WAIT_SECONDS))
until engine_answers; do
  why=""
  if ! is_running "$dockerd_pid"; then why="dockerd exited"; fi
  if [ "$SECONDS" -ge "$deadline" ]; then why="no answer from dockerd within ${WAIT_SECONDS} s"; fi
  if [ -n "$why" ]; then
    echo "docker engine: $why; what it logged:" >&2
    tail -n "+$log_start" "$DOCKERD_LOG" | tail -n 20 >&2 || true
    exit 1
  fi
  sleep 0.5
done
echo "docker engine: running ($(docker version --format '{{.Server.Version}}'))"
