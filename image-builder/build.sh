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
packages=openjdk-17-jre-headless,systemd,systemd-sysv,dbus,openssh-server,mosquitto,iproute2,iputils-ping,ca-certificates,netbase,udev,kmod,wpasupplicant,iw,sudo,nano,gpiod
progress "bootstrapping arm64 bookworm root filesystem with mmdebstrap (packages: $packages); this is the long step"
mmdebstrap --arch=arm64 --variant=minbase --include="$packages" \
  --customize-hook='mkdir -p "$1/tmp/sbridge"' \
  --customize-hook="copy-in $deb /tmp/sbridge" \
  --customize-hook="copy-in $here/rootfs/. /" \
  --customize-hook='chroot "$1" sh -c "apt-get install -y -qq /tmp/sbridge/*.deb && rm -rf /tmp/sbridge"' \
  --customize-hook='chroot "$1" systemctl enable sbridge-firstboot.service ssh.service mosquitto.service' \
  --customize-hook='chroot "$1" sh -c "useradd -m -s /bin/bash -G sudo,spi,gpio,audio,dialout sbridge-admin && passwd -l sbridge-admin"' \
  bookworm "$rootfs" "$mirror" 2>&1 | sed -u 's/^/    mmdebstrap: /'
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
  # First boot: the user's sbridge.yaml on the boot partition becomes the daemon's configuration.
  cat > "$rootfs/boot/firmware/sbridge.yaml" <<'YAML'
name: smoke-test-node
board: dragino-lora-gps-hat
region: EU868
wifi-country: DE
bootstrap: ["/dns4/bootstrap.example/tcp/4001/p2p/12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB"]
ssh-key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHNtb2tlLXRlc3Qta2V5LW5vdC1yZWFsLW9ubHktZm9yLWNp smoke@test"
YAML
  if chroot "$rootfs" env SBRIDGE_FIRSTBOOT_NO_START=1 /usr/lib/sbridge/firstboot.sh; then ok "first-boot script ran"; else bad "first-boot script failed"; fi
  grep -q 'name: "smoke-test-node"' "$rootfs/etc/sbridge/sbridge.yaml" && ok "configuration written from the boot partition" || bad "configuration not written"
  grep -q 'smoke@test' "$rootfs/home/sbridge-admin/.ssh/authorized_keys" && ok "SSH key installed" || bad "SSH key not installed"
  if chroot "$rootfs" runuser -u sbridge -- /usr/bin/sbridge identity --state-dir /var/lib/sbridge --json | grep -q '"did":"did:key:z6Mk'; then
    ok "identity created on first boot"; else bad "no identity"; fi
  [ "$(stat -c %a "$rootfs/var/lib/sbridge/identity.key")" = 600 ] && ok "identity key 0600" || bad "identity key mode"
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
