#!/usr/bin/env bash
# Installs what the tests need on Debian 12 (as root, or nothing to install): the JDK and Maven, and the
# real peers the tests talk to (systemd-analyze, dpkg-deb, coap-client, Mosquitto, sqlite3, promtool, Node.js and npm,
# socat, direwolf, python3-gps, python3-zfec and gnupg, iproute2, nftables and python3 for the NAT lab, which also needs root;
# dbus-daemon and python3-dbusmock for drivers/bluez's mocked bluetoothd, python3-bleak as a foreign BLE central).
# Tools already on the PATH are left alone.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need_apt=()
command -v mvn >/dev/null || need_apt+=(maven)
command -v javac >/dev/null || need_apt+=(openjdk-17-jdk-headless)
command -v systemd-analyze >/dev/null || need_apt+=(systemd)   # SystemdUnitSecurityTest
command -v dpkg-deb >/dev/null || need_apt+=(dpkg)
command -v coap-client-openssl >/dev/null || need_apt+=(libcoap3-bin)              # CoAP service tests
command -v mosquitto >/dev/null || need_apt+=(mosquitto)                          # MQTT bridge tests
command -v mosquitto_sub >/dev/null || need_apt+=(mosquitto-clients)
command -v promtool >/dev/null || need_apt+=(prometheus)                         # metrics: promtool check metrics
command -v sqlite3 >/dev/null || need_apt+=(sqlite3)                               # CoAP test: a 2.01 is committed (read by another process)
command -v node >/dev/null || need_apt+=(nodejs)   # js-libp2p and ws interop peers (gateway/p2p tests run npm ci; needs Node >= 20)
# (gateway/p2p content tests run npm ci in src/test/js/unixfs-peer: ipfs-unixfs-importer 17.1.1, and in
#  src/test/js/helia-peer: helia 7.1.15 for the bitswap tests)
# (drivers/audio-modem tests run npm ci in src/test/js/ggwave-peer: ggwave 0.4.0, its WASM build)
command -v npm >/dev/null || need_apt+=(npm)
/usr/bin/python3 -c "import zfec" 2>/dev/null || need_apt+=(python3-zfec)   # drivers/satellite: the real zfec encoder
command -v gpg >/dev/null || need_apt+=(gnupg)                              # drivers/satellite: the OpenPGP peer
command -v socat >/dev/null || need_apt+=(socat)                                   # serial-kiss: pty pairs
command -v direwolf >/dev/null || need_apt+=(direwolf)                             # serial-kiss: a real KISS TNC (gen_packets too)
/usr/bin/python3 -c "import gps.fake" 2>/dev/null || need_apt+=(python3-gps)  # serial-kiss: gpsd's fake pty replays NMEA logs
command -v ip >/dev/null || need_apt+=(iproute2)        # NAT lab (gateway/p2p nat tests): network namespaces, veth, bridge
command -v nft >/dev/null || need_apt+=(nftables)        # NAT lab: the routers' snat and stateful forward rules
command -v python3 >/dev/null || need_apt+=(python3)     # NAT lab: socket probes inside the namespaces
command -v dbus-daemon >/dev/null || need_apt+=(dbus-daemon)   # drivers/bluez: a private system bus per test
/usr/bin/python3 -c "import dbusmock" 2>/dev/null || need_apt+=(python3-dbusmock)   # drivers/bluez: bluetoothd mocked (bluez5 template)
/usr/bin/python3 -c "import bleak" 2>/dev/null || need_apt+=(python3-bleak)         # BLE transport: a foreign central (needs bluetoothctl, from bluez)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}"
fi
