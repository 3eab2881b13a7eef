'''A foreign BLE central: Debian's python3-bleak (a BLE client over BlueZ's D-Bus API) scans on ADAPTER for the
service, connects, reads the identity characteristic and writes FRAME (hex, already fragment-framed) with a
write request. Prints IDENTITY <hex> and WROTE; exits 2 when nothing is found.
Run with Debian's /usr/bin/python3 and DBUS_SYSTEM_BUS_ADDRESS pointing at the bus of the mocked bluetoothd.'''
import asyncio
import sys

from bleak import BleakClient, BleakScanner


async def main(adapter, service, write, identity, frame):
    device = await BleakScanner.find_device_by_filter(
        lambda d, ad: service in [u.lower() for u in ad.service_uuids],
        timeout=15, adapter=adapter, service_uuids=[service])
    if device is None:
        print('NOTFOUND', flush=True)
        sys.exit(2)
    async with BleakClient(device, adapter=adapter, timeout=15) as client:
        value = await client.read_gatt_char(identity)
        print('IDENTITY', bytes(value).hex(), flush=True)
        await client.write_gatt_char(write, bytes.fromhex(frame), response=True)
        print('WROTE', flush=True)


asyncio.run(main(*sys.argv[1:6]))
