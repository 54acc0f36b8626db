#!/usr/bin/env bash
# Starts (or stops) the real servers the integration tests use, on 127.0.0.1 and free ports, with data in a
# temporary folder. Installs them from Debian packages first when they are missing.
#   eval "$(tests/infra/services.sh up /tmp/tracking-infra)"   # prints the environment the tests read
#   tests/infra/services.sh down /tmp/tracking-infra
# TRACKING_INFRA_FSYNC=on keeps PostgreSQL's fsync on (durability figures in bench/run.sh); off by default for tests.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 up|down DIR" >&2
  exit 2
fi

log() { echo "[infra] $*" >&2; }

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" ]] && { echo "$d"; return 0; }
  done
  return 1
}

free_port() {
  # A port below the kernel's ephemeral range (where outgoing connections take their local ports, so a port nobody
  # listens on may still be taken), on which nothing listens.
  local port low=32768 high
  read -r low high < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  (( low > 12000 )) || low=32768
  for _ in $(seq 1 50); do
    port=$(( (RANDOM % (low - 11000)) + 10000 ))
    # Not Orleans' default silo and gateway ports, which a locally running system holds.
    [[ $port == 11111 || $port == 30000 ]] && continue
    if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2
  return 1
}

install_missing() {
  local need=()
  pg_bin >/dev/null || need+=(postgresql)
  command -v mosquitto >/dev/null || [[ -x /usr/sbin/mosquitto ]] || need+=(mosquitto)
  command -v mosquitto_pub >/dev/null || need+=(mosquitto-clients)
  command -v chromium >/dev/null || [[ -x /usr/bin/chromium ]] || need+=(chromium)
  if (( ${#need[@]} > 0 )); then
    log "installing ${need[*]} from Debian packages"
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
    # The Debian packages start (and enable) their own services; the tests use private instances instead. Left enabled,
    # the packaged Mosquitto would hold 127.0.0.1:1883, where the README's run command puts its embedded broker, after
    # the next boot: stopped and disabled (systemd), or stopped (SysV), whichever this machine has.
    # Only the services of packages installed just now: a database the machine already ran is left alone.
    local unit
    for unit in mosquitto postgresql; do
      [[ " ${need[*]} " == *" $unit "* ]] || continue
      $sudo systemctl disable --now "$unit" >/dev/null 2>&1 || $sudo service "$unit" stop >/dev/null 2>&1 || true
    done
  fi
}

up() {
  install_missing
  mkdir -p "$dir"
  chmod 777 "$dir"
  local bin pgport mqport attempt
  bin=$(pg_bin)
  mkdir -p "$dir/pg"
  [[ $(id -u) -eq 0 ]] && chown postgres "$dir/pg"
  as_postgres "$bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
  # fsync off: test data is thrown away; durability is exercised through the same code paths. Benchmarks that
  # report durable throughput turn it on (TRACKING_INFRA_FSYNC=on) so a commit really waits for the disk.
  local fsync=off
  [[ "${TRACKING_INFRA_FSYNC:-off}" == "on" ]] && fsync=on
  # A port can be taken between choosing it and binding it: another port, up to three times.
  for attempt in 1 2 3; do
    pgport=$(free_port)
    if as_postgres "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w -t 60 start \
      -o "-p $pgport -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=$fsync -c max_connections=300 -c shared_buffers=256MB" >&2; then
      break
    fi
    (( attempt < 3 )) || { log "PostgreSQL did not start (see $dir/pg/postgres.log)"; return 1; }
    log "PostgreSQL could not start on port $pgport; trying another"
  done
  echo "$pgport" > "$dir/pg.port"

  local mosq listening
  mosq=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  for attempt in 1 2 3; do
    mqport=$(free_port)
    cat > "$dir/mosquitto.conf" <<CONF
listener $mqport 127.0.0.1
allow_anonymous true
max_inflight_messages 1000
max_queued_messages 1000000
set_tcp_nodelay true
persistence false
CONF
    "$mosq" -c "$dir/mosquitto.conf" -d 2>"$dir/mosquitto.log" || "$mosq" -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 &
    sleep 0.5
    pgrep -f "mosquitto -c $dir/mosquitto.conf" > "$dir/mosquitto.pid" || true
    listening=no
    for _ in $(seq 1 50); do
      (exec 3<>/dev/tcp/127.0.0.1/$mqport) 2>/dev/null && { listening=yes; break; }
      sleep 0.1
    done
    [[ $listening == yes ]] && break
    (( attempt < 3 )) || { log "Mosquitto did not start (see $dir/mosquitto.log)"; return 1; }
    log "Mosquitto could not listen on port $mqport; trying another"
    pkill -f "mosquitto -c $dir/mosquitto.conf" 2>/dev/null || true
  done

  echo "export TRACKING_TEST_PG='Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50'"
  echo "export TRACKING_TEST_MQTT_PORT=$mqport"
  echo "export TRACKING_TEST_MOSQUITTO=$mosq"
  echo "export TRACKING_TEST_CHROMIUM=$(command -v chromium || echo /usr/bin/chromium)"
  echo "export TRACKING_TEST_ARTIFACTS=$dir/artifacts"
  log "PostgreSQL on 127.0.0.1:$pgport, Mosquitto on 127.0.0.1:$mqport"
}

down() {
  local bin
  if [[ -f "$dir/mosquitto.pid" ]]; then
    xargs -r kill < "$dir/mosquitto.pid" 2>/dev/null || true
  fi
  pkill -f "mosquitto -c $dir/mosquitto.conf" 2>/dev/null || true
  if bin=$(pg_bin) && [[ -d "$dir/pg/data" ]]; then
    as_postgres "$bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down DIR" >&2; exit 2 ;;
esac
