#!/usr/bin/env bash
# Runs the packaged daemon under real systemd: boots a Debian 12 (amd64) container with systemd-nspawn,
# with the .deb installed, and checks what systemd-analyze cannot: that the hardened unit lets the JVM
# start (seccomp filter, ProtectSystem, DevicePolicy, no capabilities), that systemd marks it active only
# after READY=1, keeps it alive across several watchdog periods (the health-gated pings arrive), shows the
# daemon's STATUS= line, and stops it cleanly (inactive, not failed). Needs root, mmdebstrap and
# systemd-container (installed if missing); downloads about 150 MB from Debian's archive. About 1.5 min.
#
#   packaging/test-unit-boot.sh [--work DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work=""
while [ $# -gt 0 ]; do case "$1" in --work) work="${2:?}"; shift ;; *) echo "unknown argument $1" >&2; exit 2 ;; esac; shift; done
[ "$(id -u)" = 0 ] || { echo "test-unit-boot: needs root" >&2; exit 1; }
deb=$(ls packaging/debian/target/sbridge_*_all.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || { echo "test-unit-boot: no package; run mvn -B -ntp verify first" >&2; exit 1; }
need=()
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v systemd-nspawn >/dev/null || need+=(systemd-container)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
started=$(date +%s)
say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
[ -n "$work" ] || work=$(mktemp -d /var/tmp/sbridge-unit-boot.XXXXXX)
mkdir -p "$work"
root="$work/rootfs"; rm -rf "$root"

# Inside the container, after boot: the checks, written to /boot-test.result, then power off.
cat > "$work/boot-test.sh" <<'INNER'
#!/bin/sh
out=/boot-test.result
: > $out
check() { if eval "$2"; then echo "ok   $1" >> $out; else echo "FAIL $1" >> $out; fi; }
for _ in $(seq 1 120); do
  s=$(systemctl show -p ActiveState --value sbridge.service)
  [ "$s" = active ] || [ "$s" = failed ] && break
  sleep 1
done
check "sbridge.service active (systemd got READY=1)" '[ "$(systemctl show -p ActiveState --value sbridge.service)" = active ]'
check "runs as user sbridge" '[ "$(ps -o user= -p "$(systemctl show -p MainPID --value sbridge.service)")" = sbridge ]'
check "STATUS line from the daemon" 'systemctl show -p StatusText --value sbridge.service | grep -q "^address [0-9a-f]\{32\}, 2/2 transports active"'
check "identity key 0600 in the state directory" '[ "$(stat -c %a:%U /var/lib/sbridge/identity.key)" = 600:sbridge ]'
check "control socket answers the CLI" 'runuser -u sbridge -- sbridge status --state-dir /var/lib/sbridge --json | grep -q "\"address\""'
# As on the image: Debian's anonymous broker is disabled, so the daemon starts its own (with accounts) inside the sandbox.
check "embedded MQTT broker started by the daemon under the hardened unit" 'runuser -u sbridge -- sbridge status --state-dir /var/lib/sbridge --json | grep -q "\"embeddedBroker\":\"started by sbridge\""'
check "the bridge is connected to it" 'runuser -u sbridge -- sbridge status --state-dir /var/lib/sbridge --json | grep -q "\"connected\":true"'
pid=$(systemctl show -p MainPID --value sbridge.service)
sleep 20   # four watchdog periods of the drop-in's 5 s: a missing ping would have killed the daemon
check "alive after 4 watchdog periods, same pid, no restart" '[ "$(systemctl show -p MainPID --value sbridge.service)" = "$pid" ] && [ "$(systemctl show -p NRestarts --value sbridge.service)" = 0 ]'
w1=$(systemctl show -p WatchdogTimestampMonotonic --value sbridge.service); sleep 6
w2=$(systemctl show -p WatchdogTimestampMonotonic --value sbridge.service)
check "watchdog pings keep arriving (last ping time moved on in 6 s)" '[ "$w2" -gt "$w1" ]'
check "no seccomp or sandbox denial in the journal" '! journalctl -u sbridge.service --no-pager | grep -Eqi "SIGSYS|Bad system call|Operation not permitted|Permission denied"'
systemctl stop sbridge.service
check "stopped cleanly: inactive, not failed (SuccessExitStatus=143)" '[ "$(systemctl show -p ActiveState --value sbridge.service)" = inactive ] && [ "$(systemctl show -p Result --value sbridge.service)" = success ]'
# A configuration error must leave the unit failed, not restarting every 5 s (RestartPreventExitStatus).
cp /etc/sbridge/sbridge.yaml /etc/sbridge/sbridge.yaml.good
printf 'no-such-section:\n  key: 1\n' >> /etc/sbridge/sbridge.yaml
systemctl start sbridge.service 2>/dev/null || true
sleep 12
check "configuration error: failed with exit 2, no restart loop" '[ "$(systemctl show -p ActiveState --value sbridge.service)" = failed ] && [ "$(systemctl show -p ExecMainStatus --value sbridge.service)" = 2 ] && [ "$(systemctl show -p NRestarts --value sbridge.service)" = 0 ]'
check "the error names the line" 'journalctl -u sbridge.service --no-pager -o cat | grep -q "configuration error"'
mv /etc/sbridge/sbridge.yaml.good /etc/sbridge/sbridge.yaml
journalctl -u sbridge.service --no-pager -o cat > /boot-test.journal 2>&1
echo done >> $out
systemctl poweroff
INNER
cat > "$work/boot-test.service" <<'INNER'
[Unit]
Description=sbridge unit boot test
After=sbridge.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/boot-test.sh
[Install]
WantedBy=multi-user.target
INNER
# The unit is used as shipped; only the watchdog period is shortened so the test sees several periods.
printf '[Service]\nWatchdogSec=5s\n' > "$work/watchdog.conf"

say "bootstrapping a Debian 12 amd64 system with systemd, Java 17 and the package (mmdebstrap)"
mmdebstrap --variant=minbase --include=systemd,systemd-sysv,dbus,procps,openjdk-17-jre-headless,mosquitto \
  --customize-hook='chroot "$1" systemctl disable mosquitto.service' \
  --customize-hook="copy-in $deb /tmp" \
  --customize-hook='chroot "$1" sh -c "apt-get install -y -qq /tmp/sbridge_*_all.deb && rm -f /tmp/sbridge_*_all.deb"' \
  --customize-hook="copy-in $work/boot-test.sh /usr/local/sbin" \
  --customize-hook="copy-in $work/boot-test.service /etc/systemd/system" \
  --customize-hook='mkdir -p "$1/etc/systemd/system/sbridge.service.d"' \
  --customize-hook="copy-in $work/watchdog.conf /etc/systemd/system/sbridge.service.d" \
  --customize-hook='chmod 0755 "$1/usr/local/sbin/boot-test.sh"; chroot "$1" systemctl enable boot-test.service' \
  bookworm "$root" http://deb.debian.org/debian 2>&1 | sed -u 's/^/    mmdebstrap: /' | grep -v ': I: ' || true
say "booting it with systemd-nspawn (the test powers the container off when done)"
# --private-network: the daemon gets a network namespace with only loopback, so it neither collides with
# ports in use on the host (another gateway, a parallel test) nor sends its announces onto the host's LAN.
timeout 300 systemd-nspawn --quiet --register=no --keep-unit --private-network -D "$root" -b > "$work/console.log" 2>&1 || true
say "container stopped after $(( $(date +%s) - started ))s"
if [ ! -s "$root/boot-test.result" ]; then
  echo "test-unit-boot: the container produced no result; console:" >&2; tail -30 "$work/console.log" >&2; exit 1
fi
sed 's/^/  /' "$root/boot-test.result"
if grep -q '^FAIL' "$root/boot-test.result" || ! grep -q '^done' "$root/boot-test.result"; then
  echo "  journal of sbridge.service:"; tail -30 "$root/boot-test.journal" | sed 's/^/    /'
  echo "test-unit-boot: FAILED"; exit 1
fi
echo "test-unit-boot: passed in $(( $(date +%s) - started ))s"
