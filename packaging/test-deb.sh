#!/usr/bin/env bash
# Installs the .deb that `mvn verify` built on this Debian 12 machine (root needed) and checks it from
# the installed files only: --version, board list, the system user and its groups, the enabled unit, the
# state directory; then an upgrade to a newer version and a removal, both keeping the identity key.
# Cleans up after itself. Prints "N passed, M failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
deb=$(ls packaging/debian/target/sbridge_*_all.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || { echo "test-deb: no package; run mvn -B -ntp verify first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test-deb: must run as root (it installs a package)" >&2; exit 1; }
if dpkg -s sbridge >/dev/null 2>&1 || [ -e /var/lib/sbridge ] || [ -e /etc/sbridge ]; then
  echo "test-deb: sbridge is already installed or has state on this machine; refusing to touch it" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -qq -o Dpkg::Options::=--force-confold)
groups_before=$(getent group | cut -d: -f1 | sort)
work=$(mktemp -d)
passed=0; failed=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >"$work/out" 2>&1; then passed=$((passed + 1)); echo "ok   $what"
  else failed=$((failed + 1)); echo "FAIL $what"; sed 's/^/     /' "$work/out"; fi
}
cleanup() {
  dpkg --purge sbridge >/dev/null 2>&1 || true
  rm -rf /var/lib/sbridge /etc/sbridge "$work"
  userdel sbridge >/dev/null 2>&1 || true
  for g in $(getent group | cut -d: -f1 | sort | comm -13 <(echo "$groups_before") -); do groupdel "$g" || true; done
}
trap cleanup EXIT

echo "test-deb: installing $deb"
check "install with apt (dependencies resolved)" apt-get install "${apt_opts[@]}" "./$deb"
check "sbridge --version from /usr/bin" bash -c '/usr/bin/sbridge --version | grep -q "^sbridge 0.1.0"'
check "sbridge board list from the installed jars" bash -c '/usr/bin/sbridge board list | grep -q dragino'
check "board files under /usr/share/sbridge/boards" test -f /usr/share/sbridge/boards/adafruit-lora-radio-bonnet.yaml
check "default configuration is a conffile" bash -c 'dpkg-query -W -f="\${Conffiles}" sbridge | grep -q /etc/sbridge/sbridge.yaml'
check "system user sbridge exists" getent passwd sbridge
check "sbridge is in groups spi gpio audio bluetooth dialout" bash -c \
  'g=" $(id -nG sbridge) "; for x in spi gpio audio bluetooth dialout; do [[ $g == *" $x "* ]] || exit 1; done'
check "unit installed and enabled" test -L /etc/systemd/system/multi-user.target.wants/sbridge.service
check "state directory 0700 owned by sbridge" bash -c '[ "$(stat -c %a:%U /var/lib/sbridge)" = 700:sbridge ]'
check "identity created by the service user" bash -c \
  'runuser -u sbridge -- /usr/bin/sbridge identity --state-dir /var/lib/sbridge --json > '"$work"'/id1'
check "identity key is 0600" bash -c '[ "$(stat -c %a /var/lib/sbridge/identity.key)" = 600 ]'
key_sum=$(sha256sum /var/lib/sbridge/identity.key 2>/dev/null | cut -d' ' -f1)
echo "# local change" >> /etc/sbridge/sbridge.yaml

# Upgrade: the same package with a higher version.
mkdir -p "$work/pkg" && dpkg-deb -R "$deb" "$work/pkg" && sed -i 's/^Version: .*/Version: 0.1.1/' "$work/pkg/DEBIAN/control"
dpkg-deb -b "$work/pkg" "$work/sbridge_0.1.1_all.deb" >/dev/null
check "upgrade to 0.1.1" apt-get install "${apt_opts[@]}" "$work/sbridge_0.1.1_all.deb"
check "version is 0.1.1" bash -c '[ "$(dpkg-query -W -f="\${Version}" sbridge)" = 0.1.1 ]'
check "upgrade kept the identity" bash -c \
  'runuser -u sbridge -- /usr/bin/sbridge identity --state-dir /var/lib/sbridge --json | cmp -s - '"$work"'/id1'
check "upgrade kept the local configuration change" grep -q "# local change" /etc/sbridge/sbridge.yaml

check "remove" apt-get remove "${apt_opts[@]}" sbridge
check "removal kept the identity key" bash -c '[ "$(sha256sum /var/lib/sbridge/identity.key | cut -d" " -f1)" = '"$key_sum"' ]'
check "purge" dpkg --purge sbridge
check "purge kept the identity key" test -f /var/lib/sbridge/identity.key
check "purge removed the launcher" test ! -e /usr/bin/sbridge

echo "test-deb: $passed passed, $failed failed"
[ "$failed" = 0 ]
