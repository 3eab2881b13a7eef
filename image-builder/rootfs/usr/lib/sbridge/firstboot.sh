#!/bin/sh
# First boot of a gateway image: reads /boot/firmware/sbridge.yaml (the one file users edit after
# flashing), writes /etc/sbridge/sbridge.yaml, the Wi-Fi country, the admin's SSH key and the hostname,
# creates the node identity, then renames the file so it runs once. Keys it reads (flat YAML):
#   name, board, region, wifi-country, bootstrap (list of multiaddrs), ssh-key
set -eu
src=/boot/firmware/sbridge.yaml
[ -f "$src" ] || exit 0
value() { sed -n "s/^$1:[[:space:]]*//p" "$src" | head -n1 | sed 's/^"\(.*\)"$/\1/; s/[[:space:]]*$//'; }
name=$(value name); board=$(value board); region=$(value region)
country=$(value wifi-country); sshkey=$(value ssh-key); bootstrap=$(value bootstrap)
umask 022
mkdir -p /etc/sbridge
{
  echo "# written by sbridge first boot from $src on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "node:"
  echo "  name: \"$name\""
  echo "  state-dir: /var/lib/sbridge"
  if [ -n "$board" ]; then
    echo "lora:"
    echo "  board: $board"
    [ -n "$region" ] && echo "  region: $region"
  fi
} > /etc/sbridge/sbridge.yaml
# The overlay (libp2p) reads bootstrap peers once it ships; kept verbatim until then.
[ -n "$bootstrap" ] && echo "$bootstrap" > /etc/sbridge/bootstrap-peers
if [ -n "$country" ]; then
  mkdir -p /etc/default
  echo "REGDOMAIN=$country" > /etc/default/crda
  command -v iw >/dev/null && iw reg set "$country" 2>/dev/null || true
fi
if [ -n "$sshkey" ]; then
  install -d -m 0700 -o sbridge-admin -g sbridge-admin /home/sbridge-admin/.ssh
  echo "$sshkey" >> /home/sbridge-admin/.ssh/authorized_keys
  chown sbridge-admin:sbridge-admin /home/sbridge-admin/.ssh/authorized_keys
  chmod 0600 /home/sbridge-admin/.ssh/authorized_keys
fi
if [ -n "$name" ]; then
  host=$(echo "$name" | tr -c 'a-zA-Z0-9-\n' '-' | cut -c1-63)
  echo "$host" > /etc/hostname
fi
install -d -m 0700 -o sbridge -g sbridge /var/lib/sbridge
runuser -u sbridge -- /usr/bin/sbridge identity --state-dir /var/lib/sbridge >/dev/null
mv "$src" "$src.done"
if [ -z "${SBRIDGE_FIRSTBOOT_NO_START:-}" ]; then
  systemctl restart sbridge.service || true
fi
