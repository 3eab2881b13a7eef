#!/bin/sh
# First boot of a gateway image: reads /boot/firmware/sbridge.yaml (the one file users edit after
# flashing), writes /etc/sbridge/sbridge.yaml, the Wi-Fi country (and network, if given), the admin's SSH
# key and the hostname, creates the node identity, then renames the file so it runs once.
#
# Keys (flat YAML, one per line):
#   name, board, region, wifi-country, wifi-ssid, wifi-password, bootstrap (list of multiaddrs), ssh-key,
#   overlay-peers (list of multiaddrs ending in /p2p/<PeerId>: gateways the internet overlay keeps connected)
#
# Every value is checked before anything is written: a typo must not leave a half-provisioned box. On a
# bad value nothing is applied, the reason goes to the journal and to sbridge-error.txt on the boot
# partition (readable on any computer), and the gateway starts on the packaged defaults.
set -euf   # -f: no globbing of values read from the file
boot=${SBRIDGE_BOOT_DIR:-/boot/firmware}
src=$boot/sbridge.yaml
[ -f "$src" ] || exit 0
errors=""
fail() { errors="$errors$1
"; }
# First "key: value" line; surrounding quotes and trailing blanks removed. CRs too: the file is often
# edited on Windows.
value() {
  tr -d '\r' < "$src" | sed -n "s/^$1:[[:space:]]*//p" | head -n1 \
    | sed 's/[[:space:]]*#.*$//; s/[[:space:]]*$//; s/^"\(.*\)"$/\1/; s/^'"'"'\(.*\)'"'"'$/\1/'
}
# ssh-key and wifi-password may contain '#': read them without stripping comments.
raw_value() {
  tr -d '\r' < "$src" | sed -n "s/^$1:[[:space:]]*//p" | head -n1 | sed 's/[[:space:]]*$//; s/^"\(.*\)"$/\1/; s/^'"'"'\(.*\)'"'"'$/\1/'
}
matches() { printf '%s' "$1" | grep -Eq "$2"; }

name=$(value name); board=$(value board); region=$(value region); country=$(value wifi-country)
ssid=$(raw_value wifi-ssid); psk=$(raw_value wifi-password); sshkey=$(raw_value ssh-key)
bootstrap=$(value bootstrap); overlaypeers=$(value overlay-peers)

# name travels in every announce: at most 32 bytes (GatewayConfig), and it becomes the hostname.
if [ -n "$name" ] && ! matches "$name" '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'; then
  fail "name '$name': use 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit"
fi
if [ -n "$board" ]; then
  if ! matches "$board" '^[a-z0-9-]+$' || [ ! -f "/usr/share/sbridge/boards/$board.yaml" ]; then
    fail "board '$board' is not a bundled board; choose one of: $(ls /usr/share/sbridge/boards | sed -n 's/\.yaml$//p' | tr '\n' ' ')"
  fi
fi
if [ -n "$region" ] && ! matches "$region" '^[A-Z]{2}[A-Z0-9]{1,8}$'; then fail "region '$region' (e.g. EU868, US915)"; fi
if [ -n "$region" ] && [ -z "$board" ]; then fail "region given without a board"; fi
if [ -n "$country" ] && ! matches "$country" '^[A-Z]{2}$'; then fail "wifi-country '$country': two capital letters (ISO 3166, e.g. DE)"; fi
if [ -n "$ssid" ]; then
  [ "$(printf '%s' "$ssid" | wc -c)" -le 32 ] || fail "wifi-ssid longer than 32 bytes"
  matches "$ssid" '^[^"\\]+$' || fail "wifi-ssid must not contain quotes or backslashes"
  [ -n "$country" ] || fail "wifi-ssid needs wifi-country (radio regulations)"
  len=$(printf '%s' "$psk" | wc -c)
  [ "$len" -ge 8 ] && [ "$len" -le 63 ] || fail "wifi-password must be 8-63 characters (WPA2-PSK)"
fi
if [ -n "$sshkey" ]; then
  if ! matches "$sshkey" '^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+=*( [^"]*)?$'; then
    fail "ssh-key is not one OpenSSH public key line (ssh-ed25519 AAAA... comment)"
  elif command -v ssh-keygen >/dev/null && ! printf '%s\n' "$sshkey" | ssh-keygen -l -f - >/dev/null 2>&1; then
    fail "ssh-key does not parse as a public key (ssh-keygen -l)"
  fi
fi
# bootstrap: ["/dns4/host/tcp/4001/p2p/12D3Koo...", ...] or a single multiaddr
peers=$(printf '%s' "$bootstrap" | sed 's/^\[//; s/\]$//' | tr ',' '\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//; s/^"\(.*\)"$/\1/' | sed '/^$/d')
for p in $peers; do
  matches "$p" '^(/[A-Za-z0-9._:-]+)+$' || fail "bootstrap peer '$p' is not a multiaddr (/dns4/host/tcp/4001/p2p/12D3Koo...)"
done

# overlay-peers: the same list syntax; each must name the peer (/p2p/...), as p2p.static-peers requires
opeers=$(printf '%s' "$overlaypeers" | sed 's/^\[//; s/\]$//' | tr ',' '\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//; s/^"\(.*\)"$/\1/' | sed '/^$/d')
for p in $opeers; do
  matches "$p" '^(/[A-Za-z0-9._:-]+)+/p2p/[1-9A-HJ-NP-Za-km-z]+$' \
    || fail "overlay peer '$p' must be a multiaddr ending in /p2p/<PeerId> (/dns4/host/tcp/4001/p2p/12D3Koo...)"
done

if [ -n "$errors" ]; then
  printf 'sbridge first boot: %s was not applied:\n%s' "$src" "$errors" >&2
  printf 'sbridge first boot (%s): this file was not applied. Fix it and boot again.\n%s' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$errors" > "$boot/sbridge-error.txt"
  exit 1
fi
rm -f "$boot/sbridge-error.txt"

umask 022
mkdir -p /etc/sbridge
{
  echo "# written by sbridge first boot from $src on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# every key: /usr/share/doc/sbridge/docs/configuration.md"
  echo "node:"
  echo "  name: \"$name\""
  echo "  state-dir: /var/lib/sbridge"
  if [ -n "$board" ]; then
    echo "lora:"
    echo "  board: $board"
    if [ -n "$region" ]; then echo "  region: $region"; fi
  fi
  if [ -n "$opeers" ]; then
    echo "p2p:"
    echo "  static-peers:"
    for p in $opeers; do echo "    - \"$p\""; done
  fi
} > /etc/sbridge/sbridge.yaml
# One multiaddr per line; the daemon reads this file beside its configuration (dht.bootstrap-file) and
# joins the DHT when it lists any peer (docs/configuration.md).
if [ -n "$peers" ]; then printf '%s\n' $peers > /etc/sbridge/bootstrap-peers; fi

if [ -n "$country" ]; then
  # Regulatory domain for the Wi-Fi radio: the kernel's cfg80211 parameter (read at module load, so
  # from the next boot on) and iw for this boot. Raspberry Pi OS does the same through cmdline.txt.
  echo "options cfg80211 ieee80211_regdom=$country" > /etc/modprobe.d/sbridge-wifi-country.conf
  if [ -f "$boot/cmdline.txt" ] && ! grep -q 'cfg80211.ieee80211_regdom=' "$boot/cmdline.txt"; then
    sed -i "1 s/\$/ cfg80211.ieee80211_regdom=$country/" "$boot/cmdline.txt"
  fi
  if command -v iw >/dev/null; then iw reg set "$country" 2>/dev/null || true; fi
fi
if [ -n "$ssid" ]; then
  # NetworkManager keyfile; 0600 because it holds the passphrase.
  mkdir -p /etc/NetworkManager/system-connections
  umask 077
  cat > /etc/NetworkManager/system-connections/sbridge-wifi.nmconnection <<EOF
[connection]
id=sbridge-wifi
type=wifi
autoconnect=true

[wifi]
mode=infrastructure
ssid=$ssid

[wifi-security]
key-mgmt=wpa-psk
psk=$psk

[ipv4]
method=auto

[ipv6]
method=auto
EOF
  chmod 0600 /etc/NetworkManager/system-connections/sbridge-wifi.nmconnection
  umask 022
fi
if [ -n "$sshkey" ]; then
  install -d -m 0700 -o sbridge-admin -g sbridge-admin /home/sbridge-admin/.ssh
  printf '%s\n' "$sshkey" >> /home/sbridge-admin/.ssh/authorized_keys
  chown sbridge-admin:sbridge-admin /home/sbridge-admin/.ssh/authorized_keys
  chmod 0600 /home/sbridge-admin/.ssh/authorized_keys
fi
if [ -n "$name" ]; then
  echo "$name" > /etc/hostname
  if grep -q '^127\.0\.1\.1' /etc/hosts 2>/dev/null; then
    sed -i "s/^127\.0\.1\.1.*/127.0.1.1\t$name/" /etc/hosts
  else
    printf '127.0.1.1\t%s\n' "$name" >> /etc/hosts
  fi
  hostname "$name" 2>/dev/null || true
fi
install -d -m 0700 -o sbridge -g sbridge /var/lib/sbridge
runuser -u sbridge -- /usr/bin/sbridge identity --state-dir /var/lib/sbridge >/dev/null
# Keep what was applied for reference, without the Wi-Fi passphrase (the boot partition is FAT: anyone
# holding the card reads it).
grep -v '^wifi-password:' "$src" > "$src.done" || true
rm -f "$src"
# This unit is ordered before sbridge.service, so at boot the gateway starts after us anyway. When run by
# hand later, ask for a restart without waiting for it: waiting on a unit ordered after this one would
# deadlock.
if [ -z "${SBRIDGE_FIRSTBOOT_NO_START:-}" ] && [ -d /run/systemd/system ]; then
  systemctl --no-block try-restart sbridge.service || true
fi
