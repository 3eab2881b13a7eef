#!/usr/bin/env bash
# Builds a Sovereign Bridge gateway image for Raspberry Pi (arm64, Debian bookworm userland) with mmdebstrap
# and qemu-user-static. Needs root and a Debian 12 host. See image-builder/README.md.
#
#   image-builder/build.sh --smoke            arm64 root filesystem only, then checks inside it under qemu-user
#   image-builder/build.sh --image OUT.img    the flashable image (boot + root partitions)
#
# The .deb comes from the Maven build: packaging/debian/target/sbridge_*_all.deb (mvn -B -ntp verify).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
mode=""; out=""; mirror="${SBRIDGE_MIRROR:-http://deb.debian.org/debian}"; work="${SBRIDGE_WORK:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mode=smoke ;;
    --image) mode=image; out="${2:?--image needs an output file}"; shift ;;
    --work) work="${2:?}"; shift ;;
    *) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$mode" ] || { echo "usage: build.sh --smoke | --image OUT.img [--work DIR]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "build.sh: needs root (chroot, loop devices)" >&2; exit 1; }

step=0
progress() { step=$((step + 1)); printf '[%s] step %d: %s\n' "$(date +%H:%M:%S)" "$step" "$*"; }
started=$(date +%s)

progress "checking host tools"
need=()
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
[ -x /usr/bin/qemu-aarch64-static ] || need+=(qemu-user-static)
command -v update-binfmts >/dev/null || need+=(binfmt-support)
command -v arch-test >/dev/null || need+=(arch-test)
if [ "$mode" = image ]; then
  command -v sfdisk >/dev/null || need+=(fdisk)
  command -v mkfs.vfat >/dev/null || need+=(dosfstools)
fi
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
arch-test arm64 >/dev/null || { echo "build.sh: this host cannot run arm64 binaries through qemu-user (binfmt)" >&2; exit 1; }

deb=$(ls "$root"/packaging/debian/target/sbridge_*_all.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || { echo "build.sh: no .deb; run mvn -B -ntp verify first" >&2; exit 1; }

[ -n "$work" ] || work=$(mktemp -d /var/tmp/sbridge-image.XXXXXX)
rootfs="$work/rootfs"
rm -rf "$rootfs"; mkdir -p "$rootfs"

# Packages: the gateway's runtime and what a field box needs. Raspberry Pi kernel and firmware
# (raspberrypi-kernel, raspi-firmware from archive.raspberrypi.com) are added only in --image mode.
# network-manager: DHCP on Ethernet and the Wi-Fi network from sbridge.yaml (as on Raspberry Pi OS bookworm);
# avahi-daemon + libnss-mdns: reach the box as NAME.local.
packages=openjdk-17-jre-headless,systemd,systemd-sysv,dbus,openssh-server,mosquitto,iproute2,iputils-ping,ca-certificates,netbase,udev,kmod,network-manager,wpasupplicant,wireless-regdb,iw,avahi-daemon,libnss-mdns,sudo,nano,gpiod
progress "bootstrapping arm64 bookworm root filesystem with mmdebstrap (packages: $packages); this is the long step"
# mmdebstrap is quiet for minutes while packages configure under qemu: print elapsed time and size.
( while sleep 30; do printf '[%s]   ... bootstrapping, %ss, root filesystem %s\n' "$(date +%H:%M:%S)" \
    "$(( $(date +%s) - started ))" "$(du -sh "$rootfs" 2>/dev/null | cut -f1)"; done ) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
mmdebstrap --arch=arm64 --variant=minbase --include="$packages" \
  --customize-hook='mkdir -p "$1/tmp/sbridge"' \
  --customize-hook="copy-in $deb /tmp/sbridge" \
  --customize-hook="copy-in $here/rootfs/. /" \
  --customize-hook='chroot "$1" sh -c "apt-get install -y -qq /tmp/sbridge/*.deb && rm -rf /tmp/sbridge"' \
  --customize-hook='chroot "$1" systemctl enable sbridge-firstboot.service sbridge-ssh-hostkeys.service ssh.service NetworkManager.service avahi-daemon.service' \
  --customize-hook='chroot "$1" systemctl disable mosquitto.service' \
  --customize-hook='chroot "$1" sh -c "useradd -m -s /bin/bash -G sudo,spi,gpio,audio,dialout sbridge-admin && passwd -l sbridge-admin"' \
  --customize-hook='chmod 0440 "$1/etc/sudoers.d/010_sbridge-admin-nopasswd"' \
  --customize-hook='rm -f "$1"/etc/ssh/ssh_host_*' \
  bookworm "$rootfs" "$mirror" 2>&1 | sed -u 's/^/    mmdebstrap: /'
kill $ticker 2>/dev/null || true
progress "root filesystem ready: $(du -sh "$rootfs" | cut -f1)"

if [ "$mode" = smoke ]; then
  progress "smoke checks inside the arm64 root filesystem under qemu-user"
  fail=0
  ok() { echo "    ok   $*"; }
  bad() { echo "    FAIL $*"; fail=1; }
  file "$rootfs/usr/bin/java" 2>/dev/null | grep -q . || true
  if chroot "$rootfs" /usr/bin/sbridge --version | grep -q '^sbridge '; then ok "sbridge --version runs (arm64 JVM under qemu-user)"; else bad "sbridge --version"; fi
  if chroot "$rootfs" systemctl is-enabled sbridge.service | grep -q enabled; then ok "sbridge.service enabled"; else bad "sbridge.service not enabled"; fi
  if chroot "$rootfs" systemctl is-enabled sbridge-firstboot.service | grep -q enabled; then ok "first-boot provisioning enabled"; else bad "sbridge-firstboot.service not enabled"; fi
  if chroot "$rootfs" getent passwd sbridge >/dev/null; then ok "user sbridge exists"; else bad "user sbridge missing"; fi
  if grep -q '^PasswordAuthentication no' "$rootfs/etc/ssh/sshd_config.d/sbridge.conf"; then ok "SSH keys only"; else bad "SSH password login not disabled"; fi
  if grep -q '^dtparam=spi=on' "$rootfs/boot/firmware/config.txt"; then ok "SPI enabled in config.txt"; else bad "SPI not enabled"; fi
  if ! ls "$rootfs"/etc/ssh/ssh_host_*_key >/dev/null 2>&1; then ok "no SSH host keys baked into the image"; else bad "image carries SSH host keys"; fi
  if chroot "$rootfs" systemctl is-enabled sbridge-ssh-hostkeys.service | grep -q enabled; then ok "host keys generated on first boot"; else bad "sbridge-ssh-hostkeys.service not enabled"; fi
  # sshd's effective configuration, with a throw-away host key outside the image's /etc/ssh.
  if chroot "$rootfs" sh -c 'mkdir -p /run/sshd && ssh-keygen -q -t ed25519 -N "" -f /tmp/hk && sshd -T -h /tmp/hk; rc=$?; rm -f /tmp/hk /tmp/hk.pub; exit $rc' > "$work/sshd-T" 2>&1 \
      && grep -qx 'passwordauthentication no' "$work/sshd-T" && grep -qx 'kbdinteractiveauthentication no' "$work/sshd-T" \
      && grep -qx 'permitrootlogin no' "$work/sshd-T"; then ok "sshd -T: keys only, no root login"; else bad "sshd effective configuration"; sed 's/^/      /' "$work/sshd-T" | head -5; fi
  for u in NetworkManager.service avahi-daemon.service ssh.service; do
    if chroot "$rootfs" systemctl is-enabled "$u" | grep -q enabled; then ok "$u enabled"; else bad "$u not enabled"; fi
  done
  # Debian's broker admits anonymous clients on loopback; the gateway starts its own with accounts instead.
  if ! chroot "$rootfs" systemctl is-enabled mosquitto.service 2>/dev/null | grep -qx enabled; then ok "Debian's anonymous mosquitto.service disabled"; else bad "mosquitto.service enabled (anonymous on loopback)"; fi
  if chroot "$rootfs" visudo -c -q; then ok "sudoers valid (admin sudo without password)"; else bad "sudoers invalid"; fi
  mid=$(cat "$rootfs/etc/machine-id" 2>/dev/null || true)
  if [ -z "$mid" ] || [ "$mid" = uninitialized ]; then ok "machine-id left for first boot"; else bad "machine-id baked in: $mid"; fi
  # A bad sbridge.yaml must be refused as a whole, with the reason on the boot partition.
  cat > "$rootfs/boot/firmware/sbridge.yaml" <<'YAML'
name: "bad name; rm -rf /"
board: no-such-board
ssh-key: "not a key"
YAML
  cp "$rootfs/etc/sbridge/sbridge.yaml" "$work/sbridge.yaml.packaged"
  if chroot "$rootfs" env SBRIDGE_FIRSTBOOT_NO_START=1 /usr/lib/sbridge/firstboot.sh 2>/dev/null; then bad "bad sbridge.yaml accepted"
  elif grep -q "board 'no-such-board'" "$rootfs/boot/firmware/sbridge-error.txt" && grep -q "^ssh-key is not" "$rootfs/boot/firmware/sbridge-error.txt" \
      && cmp -s "$work/sbridge.yaml.packaged" "$rootfs/etc/sbridge/sbridge.yaml"; then
    ok "bad sbridge.yaml refused, reasons in sbridge-error.txt, packaged configuration untouched"
  else bad "bad sbridge.yaml: no error file, or the configuration was touched"; fi
  rm -f "$rootfs/boot/firmware/sbridge.yaml"
  # First boot: the user's sbridge.yaml on the boot partition becomes the daemon's configuration.
  cat > "$rootfs/boot/firmware/sbridge.yaml" <<'YAML'
name: smoke-test-node
board: dragino-lora-gps-hat
region: EU868
wifi-country: DE
wifi-ssid: "rooftop net"
wifi-password: "correct horse battery"
bootstrap: ["/dns4/bootstrap.example/tcp/4001/p2p/12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB"]
overlay-peers: ["/dns4/bridge.example/tcp/4001/p2p/12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB"]
# a real public key (its private half was thrown away): ssh-keygen must accept it
ssh-key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINHay5XUp/cLxLsPKuuI4+WvxvqR9hJF6T74Ok6uIJWT smoke@test"
YAML
  if chroot "$rootfs" env SBRIDGE_FIRSTBOOT_NO_START=1 /usr/lib/sbridge/firstboot.sh; then ok "first-boot script ran"; else bad "first-boot script failed"; fi
  grep -q 'name: "smoke-test-node"' "$rootfs/etc/sbridge/sbridge.yaml" && ok "configuration written from the boot partition" || bad "configuration not written"
  grep -q 'smoke@test' "$rootfs/home/sbridge-admin/.ssh/authorized_keys" && ok "SSH key installed" || bad "SSH key not installed"
  grep -q 'board: dragino-lora-gps-hat' "$rootfs/etc/sbridge/sbridge.yaml" && grep -q 'region: EU868' "$rootfs/etc/sbridge/sbridge.yaml" \
    && ok "board and region in the configuration" || bad "board/region not written"
  grep -q 'ieee80211_regdom=DE' "$rootfs/etc/modprobe.d/sbridge-wifi-country.conf" && ok "Wi-Fi country DE" || bad "Wi-Fi country not set"
  nm="$rootfs/etc/NetworkManager/system-connections/sbridge-wifi.nmconnection"
  [ "$(stat -c %a "$nm" 2>/dev/null)" = 600 ] && grep -q '^ssid=rooftop net$' "$nm" && ok "Wi-Fi connection written (0600)" || bad "Wi-Fi connection"
  ! grep -q 'correct horse' "$rootfs/boot/firmware/sbridge.yaml.done" && [ ! -e "$rootfs/boot/firmware/sbridge.yaml" ] \
    && ok "boot-partition file renamed, passphrase scrubbed" || bad "passphrase left on the boot partition"
  grep -q '12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB$' "$rootfs/etc/sbridge/bootstrap-peers" && ok "bootstrap peers kept" || bad "bootstrap peers"
  grep -q '"/dns4/bridge.example/tcp/4001/p2p/12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB"' "$rootfs/etc/sbridge/sbridge.yaml" \
    && ok "overlay peers in p2p.static-peers" || bad "overlay peers not written"
  [ "$(cat "$rootfs/etc/hostname")" = smoke-test-node ] && ok "hostname smoke-test-node" || bad "hostname"
  if chroot "$rootfs" runuser -u sbridge -- /usr/bin/sbridge identity --state-dir /var/lib/sbridge --json | grep -q '"did":"did:key:z6Mk'; then
    ok "identity created on first boot"; else bad "no identity"; fi
  [ "$(stat -c %a "$rootfs/var/lib/sbridge/identity.key")" = 600 ] && ok "identity key 0600" || bad "identity key mode"
  # The arm64 daemon itself, as the unit starts it, on the configuration first boot wrote: SQLite's
  # aarch64 native library, the identity, the board file and the LAN transport all have to come up.
  setsid chroot "$rootfs" runuser -u sbridge -- /usr/bin/sbridge run --config /etc/sbridge/sbridge.yaml \
    --state-dir /var/lib/sbridge > "$work/run.log" 2>&1 &
  daemon=$!
  for _ in $(seq 1 90); do grep -q 'sbridge gateway running' "$work/run.log" && break; kill -0 $daemon 2>/dev/null || break; sleep 2; done
  if grep -q 'sbridge gateway running' "$work/run.log"; then ok "arm64 daemon starts on the first-boot configuration ($(grep -c . "$work/run.log") lines of output)"
  else bad "arm64 daemon did not start"; sed 's/^/      /' "$work/run.log" | tail -15; fi
  kill -TERM -- -$daemon 2>/dev/null || true
  wait $daemon 2>/dev/null || true
  if chroot "$rootfs" runuser -u sbridge -- /usr/bin/sbridge board validate /usr/share/sbridge/boards/dragino-lora-gps-hat.yaml >/dev/null; then
    ok "board file validates on the target"; else bad "board validate"; fi
  elapsed=$(( $(date +%s) - started ))
  progress "smoke finished in ${elapsed}s"
  [ "$fail" = 0 ] && echo "image-builder smoke: passed" || { echo "image-builder smoke: FAILED"; exit 1; }
  exit 0
fi

progress "adding Raspberry Pi kernel and firmware"
echo "build.sh --image needs the Raspberry Pi kernel and firmware packages (raspberrypi-kernel, raspi-firmware)" >&2
echo "from archive.raspberrypi.com, which this build host cannot reach; see image-builder/README.md." >&2
exit 1
