# -*- coding: utf-8 -*-
'''bluetoothd with GATT, for python3-dbusmock (run: /usr/bin/python3 -m dbusmock -t THIS_FILE)

python3-dbusmock's bluez5 template has adapters and devices but no GATT. This template loads it and adds
what bluetoothd does for GATT applications and LE advertising, plus an "air" between the adapters of this
one mock, so that two programs on two adapters talk GATT to each other through it:

- org.bluez.GattManager1 on every adapter: RegisterApplication calls GetManagedObjects on the caller's
  application root, checks the services and characteristics as bluetoothd does, and keeps them.
- org.bluez.LEAdvertisingManager1 on every adapter: RegisterAdvertisement reads the caller's
  LEAdvertisement1 properties and refuses advertising data over the 31-byte legacy limit.
- Discovery (with the UUID filter) finds the other adapters whose advertisement matches, as Device1
  objects; Device1.Connect mirrors the peer adapter's application as remote GattService1 and
  GattCharacteristic1 objects under the device and sets ServicesResolved.
- A write on a remote characteristic calls WriteValue on the peer's exported characteristic with the
  options bluetoothd passes (device, mtu, link, type, offset); StartNotify/StopNotify are forwarded;
  a PropertiesChanged(Value) of the peer's notify characteristic reaches every subscribed central,
  cut to MTU - 3 bytes as BlueZ cuts it.

Test controls on org.bluez.Mock (besides bluez5's AddAdapter, AddDevice, RemoveAdapter...):
SetMtu(adapter, mtu), InjectWrite(adapter, address, value, options), InjectStartNotify(adapter),
CutLink(adapter, address), Stats() -> a{su}.

Written for the Sovereign Bridge tests from BlueZ's documented D-Bus API (doc/gatt-api.txt,
doc/advertising-api.txt, doc/device-api.txt); error names are BlueZ's.
'''

import dbus

from dbusmock import OBJECT_MANAGER_IFACE, mockobject
from dbusmock.templates import bluez5

BUS_NAME = bluez5.BUS_NAME
MAIN_OBJ = '/'
SYSTEM_BUS = True
IS_OBJECT_MANAGER = True

MOCK_IFACE = bluez5.BLUEZ_MOCK_IFACE
ADAPTER_IFACE = bluez5.ADAPTER_IFACE
DEVICE_IFACE = bluez5.DEVICE_IFACE
GATT_MANAGER_IFACE = 'org.bluez.GattManager1'
ADV_MANAGER_IFACE = 'org.bluez.LEAdvertisingManager1'
ADV_IFACE = 'org.bluez.LEAdvertisement1'
SERVICE_IFACE = 'org.bluez.GattService1'
CHAR_IFACE = 'org.bluez.GattCharacteristic1'
PROPS_IFACE = dbus.PROPERTIES_IFACE

DEFAULT_MTU = 185          # what a current phone negotiates; SetMtu changes it per adapter
MAX_ATTRIBUTE = 512        # the ATT limit on an attribute value (Core spec, Vol 3 Part F 3.2.9)
LEGACY_ADV_BYTES = 31
MAX_ADVERTISEMENTS = 4
CALL_TIMEOUT = 5.0

stats = {'notifications': 0, 'truncated_notifications': 0, 'writes': 0, 'refused_writes': 0}

# Re-export bluez5's test controls on org.bluez.Mock (AddTemplate picks up module-level D-Bus methods).
AddDevice = bluez5.AddDevice
RemoveAdapter = bluez5.RemoveAdapter
RemoveAdapterWithDevices = bluez5.RemoveAdapterWithDevices
PairDevice = bluez5.PairDevice
BlockDevice = bluez5.BlockDevice
ConnectDevice = bluez5.ConnectDevice
DisconnectDevice = bluez5.DisconnectDevice


def error(name, text):
    return dbus.exceptions.DBusException(text, name='org.bluez.Error.' + name)


def main():
    return mockobject.objects['/']


def adapter_obj(name):
    path = '/org/bluez/' + name
    if path not in mockobject.objects:
        raise dbus.exceptions.DBusException(f'Adapter {name} does not exist.', name=MOCK_IFACE + '.NoSuchAdapter')
    return mockobject.objects[path]


def adapters():
    return [o for p, o in mockobject.objects.items()
            if p.count('/') == 3 and p.startswith('/org/bluez/') and ADAPTER_IFACE in o.props]


def address_of(adapter):
    return str(adapter.props[ADAPTER_IFACE]['Address'])


def device_path(adapter, address):
    return adapter.path + '/dev_' + address.replace(':', '_').upper()


def native_method(obj, iface, name, in_sig, out_sig, func, **keywords):
    '''Puts a dbus-python method with sender/async keywords on a mock object (AddMethod cannot).'''
    wrapped = dbus.service.method(iface, in_signature=in_sig, out_signature=out_sig, **keywords)(func)
    obj.methods.setdefault(iface, {})[name] = (in_sig, out_sig, func, wrapped)


def uuid_bytes(uuid):
    '''Size of a UUID in advertising data: 16-bit and 32-bit forms for the Bluetooth base UUID.'''
    uuid = str(uuid).lower()
    if uuid.endswith('-0000-1000-8000-00805f9b34fb'):
        return 2 if uuid.startswith('0000') else 4
    return 16


def legacy_adv_size(props, flags):
    size = 3 if flags else 0
    by_size = {}
    for uuid in props.get('ServiceUUIDs', []):
        by_size.setdefault(uuid_bytes(uuid), []).append(uuid)
    for width, group in by_size.items():
        size += 2 + width * len(group)
    for uuid in props.get('SolicitUUIDs', []):
        size += 2 + uuid_bytes(uuid)
    for _, data in props.get('ManufacturerData', {}).items():
        size += 2 + 2 + len(data)
    for uuid, data in props.get('ServiceData', {}).items():
        size += 2 + uuid_bytes(uuid) + len(data)
    if 'LocalName' in props:
        size += 2 + len(str(props['LocalName']).encode('utf-8'))
    if 'tx-power' in [str(i) for i in props.get('Includes', [])]:
        size += 3
    return size


# ---- peripheral: GattManager1, LEAdvertisingManager1 ----

def RegisterApplication(adapter, app_path, _options, sender=None, ok=None, err=None):
    if getattr(adapter, 'gatt_app', None) is not None and adapter.gatt_app['root'] == str(app_path) \
            and adapter.gatt_app['owner'] == sender:
        err(error('AlreadyExists', 'Already Exists'))
        return

    def got(objects):
        services, chars = {}, {}
        for path, ifaces in objects.items():
            if SERVICE_IFACE in ifaces:
                services[str(path)] = ifaces[SERVICE_IFACE]
            if CHAR_IFACE in ifaces:
                chars[str(path)] = ifaces[CHAR_IFACE]
        problem = None
        if not services:
            problem = 'no GattService1 below ' + str(app_path)
        for path, props in services.items():
            if 'UUID' not in props or 'Primary' not in props:
                problem = f'service {path} lacks UUID or Primary'
        for path, props in chars.items():
            if 'UUID' not in props or 'Service' not in props or 'Flags' not in props:
                problem = f'characteristic {path} lacks UUID, Service or Flags'
            elif str(props['Service']) not in services:
                problem = f'characteristic {path} names unknown service {props["Service"]}'
            elif not str(path).startswith(str(props['Service']) + '/'):
                problem = f'characteristic {path} is not below its service'
        if problem:
            adapter.log('RegisterApplication refused: ' + problem)
            err(error('Failed', 'Failed to create entry in database: ' + problem))
            return
        adapter.gatt_app = {'owner': sender, 'root': str(app_path), 'services': services, 'chars': chars,
                            'notifying': set()}
        ok()

    adapter.connection.call_async(sender, app_path, OBJECT_MANAGER_IFACE, 'GetManagedObjects', '', (),
                                  got, lambda e: err(error('Failed', 'GetManagedObjects failed: ' + str(e))),
                                  timeout=CALL_TIMEOUT)


def UnregisterApplication(adapter, app_path, sender=None):
    app = getattr(adapter, 'gatt_app', None)
    if app is None or app['root'] != str(app_path) or app['owner'] != sender:
        raise error('DoesNotExist', 'Does Not Exist')
    adapter.gatt_app = None


def RegisterAdvertisement(adapter, adv_path, _options, sender=None, ok=None, err=None):
    adverts = adapter.adverts
    if (sender, str(adv_path)) in adverts:
        err(error('AlreadyExists', 'Already Exists'))
        return
    if len(adverts) >= MAX_ADVERTISEMENTS:
        err(error('NotPermitted', 'Maximum advertisements reached'))
        return

    def got(props):
        kind = str(props.get('Type', ''))
        if kind not in ('peripheral', 'broadcast'):
            err(error('InvalidArguments', 'Invalid arguments: Type ' + kind))
            return
        size = legacy_adv_size(props, flags=(kind == 'peripheral'))
        if size > LEGACY_ADV_BYTES:
            adapter.log(f'RegisterAdvertisement refused: {size} bytes of advertising data')
            err(error('InvalidLength', f'Advertising data too long: {size} > {LEGACY_ADV_BYTES} bytes'))
            return
        adverts[(sender, str(adv_path))] = props
        set_active(adapter)
        ok()
        for central in adapters():
            if central is not adapter and central.props[ADAPTER_IFACE]['Discovering']:
                scan(central)

    adapter.connection.call_async(sender, adv_path, PROPS_IFACE, 'GetAll', 's', (ADV_IFACE,), got,
                                  lambda e: err(error('Failed', 'reading the advertisement failed: ' + str(e))),
                                  timeout=CALL_TIMEOUT)


def UnregisterAdvertisement(adapter, adv_path, sender=None):
    if (sender, str(adv_path)) not in adapter.adverts:
        raise error('DoesNotExist', 'Does Not Exist')
    del adapter.adverts[(sender, str(adv_path))]
    set_active(adapter)


def set_active(adapter):
    adapter.props[ADV_MANAGER_IFACE]['ActiveInstances'] = dbus.Byte(len(adapter.adverts))
    adapter.props[ADV_MANAGER_IFACE]['SupportedInstances'] = dbus.Byte(MAX_ADVERTISEMENTS - len(adapter.adverts))


def forget_owner(owner):
    '''bluetoothd drops what a client registered when the client leaves the bus.'''
    for adapter in adapters():
        app = getattr(adapter, 'gatt_app', None)
        if app is not None and app['owner'] == owner:
            adapter.gatt_app = None
        for key in [k for k in adapter.adverts if k[0] == owner]:
            del adapter.adverts[key]
        set_active(adapter)


# ---- central: discovery, devices, remote GATT ----

def StartDiscovery(adapter):
    adapter.props[ADAPTER_IFACE]['Discovering'] = True
    adapter.EmitSignal(PROPS_IFACE, 'PropertiesChanged', 'sa{sv}as', [
        ADAPTER_IFACE, {'Discovering': dbus.Boolean(True, variant_level=1)}, []])
    scan(adapter)


def StopDiscovery(adapter):
    if not adapter.props[ADAPTER_IFACE]['Discovering']:
        raise error('Failed', 'No discovery started')
    adapter.props[ADAPTER_IFACE]['Discovering'] = False
    adapter.EmitSignal(PROPS_IFACE, 'PropertiesChanged', 'sa{sv}as', [
        ADAPTER_IFACE, {'Discovering': dbus.Boolean(False, variant_level=1)}, []])


def SetDiscoveryFilter(adapter, discovery_filter):
    for key in discovery_filter:
        if key not in ('UUIDs', 'RSSI', 'Pathloss', 'Transport', 'DuplicateData', 'Discoverable', 'Pattern'):
            raise error('InvalidArguments', 'Invalid arguments in method call: ' + key)
    adapter.discovery_filter = dict(discovery_filter)


def scan(central):
    '''Every other powered adapter whose advertisement passes the filter becomes a Device1 here.'''
    wanted = [str(u).lower() for u in getattr(central, 'discovery_filter', {}).get('UUIDs', [])]
    for peripheral in adapters():
        if peripheral is central or not peripheral.props[ADAPTER_IFACE]['Powered']:
            continue
        for _, props in peripheral.adverts.items():
            uuids = [str(u).lower() for u in props.get('ServiceUUIDs', [])]
            if wanted and not set(wanted) & set(uuids):
                continue
            device = ensure_device(central, address_of(peripheral), str(props.get('LocalName', '')))
            device.UpdateProperties(DEVICE_IFACE, {
                'UUIDs': dbus.Array(uuids, signature='s'),
                'RSSI': dbus.Int16(central.rssi),
            })


def ensure_device(adapter, address, name):
    path = device_path(adapter, address)
    if path not in mockobject.objects:
        add_device(adapter, address, name or address)
        device = mockobject.objects[path]
        native_method(device, DEVICE_IFACE, 'Connect', '', '', Connect, async_callbacks=('ok', 'err'))
        native_method(device, DEVICE_IFACE, 'Disconnect', '', '', Disconnect)
        device.peer_address = address
        device.remote = []
    return mockobject.objects[path]


def add_device(adapter, address, name):
    '''A Device1 as bluetoothd shows a device it just heard. Not bluez5's AddDevice: that one types
    ManufacturerData, ServiceData and AdvertisingData as arrays (aa{qv}); BlueZ has dictionaries (a{qv}) and
    leaves them out when the device sent none, and BlueZ clients (bleak) rely on that.'''
    path = device_path(adapter, address)
    properties = {
        'Address': dbus.String(address, variant_level=1),
        'AddressType': dbus.String('public', variant_level=1),
        'Name': dbus.String(name, variant_level=1),
        'Alias': dbus.String(name, variant_level=1),
        'UUIDs': dbus.Array([], signature='s', variant_level=1),
        'Paired': dbus.Boolean(False, variant_level=1),
        'Bonded': dbus.Boolean(False, variant_level=1),
        'Connected': dbus.Boolean(False, variant_level=1),
        'Trusted': dbus.Boolean(False, variant_level=1),
        'Blocked': dbus.Boolean(False, variant_level=1),
        'LegacyPairing': dbus.Boolean(False, variant_level=1),
        'Adapter': dbus.ObjectPath(adapter.path, variant_level=1),
        'RSSI': dbus.Int16(adapter.rssi, variant_level=1),
        'ServicesResolved': dbus.Boolean(False, variant_level=1),
    }
    main().AddObject(path, DEVICE_IFACE, properties, [])
    device = mockobject.objects[path]
    device.paired = False
    device.connected = False
    main().EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesAdded', 'oa{sa{sv}}',
                      [dbus.ObjectPath(path), {DEVICE_IFACE: properties}])


def peer_adapter(device):
    for adapter in adapters():
        if address_of(adapter) == device.peer_address:
            return adapter
    return None


def link_mtu(central, peripheral):
    return min(central.mtu, peripheral.mtu)


def Connect(device, ok=None, err=None):
    central = mockobject.objects[str(device.props[DEVICE_IFACE]['Adapter'])]
    peripheral = peer_adapter(device)
    if device.connected:
        err(error('AlreadyConnected', 'Already Connected'))
        return
    if peripheral is None or not peripheral.props[ADAPTER_IFACE]['Powered'] or not peripheral.adverts:
        err(error('Failed', 'le-connection-abort-by-local'))
        return
    # bluetoothd on the peripheral side creates a Device1 for the central that connected
    back = ensure_device(peripheral, address_of(central), str(central.props[ADAPTER_IFACE]['Alias']))
    for end in (device, back):
        end.connected = True
        end.UpdateProperties(DEVICE_IFACE, {'Connected': dbus.Boolean(True)})
    ok()
    # both ends resolve the other's GATT database over the one link, as bluetoothd does on every LE link
    mirror(device, central, peripheral)
    mirror(back, peripheral, central)
    for end in (device, back):
        end.UpdateProperties(DEVICE_IFACE, {'ServicesResolved': dbus.Boolean(True)})


def mirror(device, local, remote):
    '''The remote adapter's application as GATT objects below DEVICE (of LOCAL), numbered as bluetoothd does.'''
    app = getattr(remote, 'gatt_app', None)
    if app is None:
        return
    device.UpdateProperties(DEVICE_IFACE, {'UUIDs': dbus.Array(
        sorted(str(p['UUID']).lower() for p in app['services'].values()), signature='s')})
    handle = 1
    for service_path in sorted(app['services']):
        sprops = app['services'][service_path]
        spath = f'{device.path}/service{handle:04x}'
        handle += 1
        main().AddObject(spath, SERVICE_IFACE, {
            'UUID': dbus.String(sprops['UUID']), 'Device': dbus.ObjectPath(device.path),
            'Primary': dbus.Boolean(sprops['Primary']), 'Includes': dbus.Array([], signature='o')}, [])
        device.remote.append(spath)
        main().object_manager_emit_added(spath)
        for char_path in sorted(p for p in app['chars'] if p.startswith(service_path + '/')):
            cprops = app['chars'][char_path]
            cpath = f'{spath}/char{handle:04x}'
            handle += 2
            main().AddObject(cpath, CHAR_IFACE, {
                'UUID': dbus.String(cprops['UUID']), 'Service': dbus.ObjectPath(spath),
                'Value': dbus.Array([], signature='y'), 'Notifying': dbus.Boolean(False),
                'Flags': dbus.Array([str(f) for f in cprops['Flags']], signature='s'),
                'MTU': dbus.UInt16(link_mtu(local, remote))}, [])
            obj = mockobject.objects[cpath]
            obj.target = (remote, char_path)
            obj.device = device
            native_method(obj, CHAR_IFACE, 'ReadValue', 'a{sv}', 'ay', ReadValue, async_callbacks=('ok', 'err'))
            native_method(obj, CHAR_IFACE, 'WriteValue', 'aya{sv}', '', WriteValue, async_callbacks=('ok', 'err'))
            native_method(obj, CHAR_IFACE, 'StartNotify', '', '', StartNotify, async_callbacks=('ok', 'err'))
            native_method(obj, CHAR_IFACE, 'StopNotify', '', '', StopNotify)
            device.remote.append(cpath)
            main().object_manager_emit_added(cpath)


def Disconnect(device):
    if not device.connected:
        raise error('NotConnected', 'Not Connected')
    drop(device)


def drop(device):
    '''The link goes: both ends see Connected false, their remote objects vanish, subscriptions end.'''
    local = mockobject.objects[str(device.props[DEVICE_IFACE]['Adapter'])]
    remote = peer_adapter(device)
    ends = [device]
    if remote is not None and device_path(remote, address_of(local)) in mockobject.objects:
        ends.append(mockobject.objects[device_path(remote, address_of(local))])
    for end in ends:
        for path in reversed(getattr(end, 'remote', [])):
            unsubscribe(mockobject.objects[path])
            iface = CHAR_IFACE if '/char' in path else SERVICE_IFACE
            main().RemoveObject(path)
            main().EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesRemoved', 'oas', [dbus.ObjectPath(path), [iface]])
        end.remote = []
        end.connected = False
        end.UpdateProperties(DEVICE_IFACE, {'Connected': dbus.Boolean(False),
                                            'ServicesResolved': dbus.Boolean(False)})


def options_for(obj, extra):
    peripheral, _ = obj.target
    central = mockobject.objects[str(obj.device.props[DEVICE_IFACE]['Adapter'])]
    options = {
        'device': dbus.ObjectPath(device_path(peripheral, address_of(central))),
        'mtu': dbus.UInt16(link_mtu(central, peripheral)),
        'link': dbus.String('LE'),
    }
    options.update(extra)
    return options


def app_owner(obj):
    peripheral, char_path = obj.target
    app = getattr(peripheral, 'gatt_app', None)
    if app is None or char_path not in app['chars']:
        raise error('Failed', 'Not connected')
    return app, char_path


def ReadValue(obj, options, ok=None, err=None):
    try:
        app, char_path = app_owner(obj)
    except dbus.exceptions.DBusException as e:
        err(e)
        return
    extra = {'offset': dbus.UInt16(int(options.get('offset', 0)))}
    obj.connection.call_async(app['owner'], char_path, CHAR_IFACE, 'ReadValue', 'a{sv}',
                              (options_for(obj, extra),), lambda v: ok(dbus.Array(v, signature='y')), err,
                              timeout=CALL_TIMEOUT)


def WriteValue(obj, value, options, ok=None, err=None):
    try:
        app, char_path = app_owner(obj)
    except dbus.exceptions.DBusException as e:
        err(e)
        return
    flags = [str(f) for f in app['chars'][char_path]['Flags']]
    kind = str(options.get('type', 'request' if 'write' in flags else 'command'))
    mtu = int(options_for(obj, {})['mtu'])
    stats['writes'] += 1
    if kind == 'command' and 'write-without-response' not in flags or kind == 'request' and 'write' not in flags:
        stats['refused_writes'] += 1
        err(error('NotPermitted', 'Write not permitted'))
        return
    if kind == 'command' and len(value) > mtu - 3 or len(value) > MAX_ATTRIBUTE:
        # a Write Command carries at most MTU - 3 bytes; a long write at most the attribute's 512
        stats['refused_writes'] += 1
        err(error('InvalidValueLength', 'Invalid Length'))
        return
    extra = {'type': dbus.String(kind)}
    if 'offset' in options:
        extra['offset'] = dbus.UInt16(int(options['offset']))
    args = (dbus.Array(value, signature='y'), options_for(obj, extra))
    if kind == 'command':
        # no ATT response to a command: the central's call returns at once, errors are lost on the air
        obj.connection.call_async(app['owner'], char_path, CHAR_IFACE, 'WriteValue', 'aya{sv}', args,
                                  lambda: None, lambda e: obj.log('command write failed: ' + str(e)),
                                  timeout=CALL_TIMEOUT)
        ok()
    else:
        obj.connection.call_async(app['owner'], char_path, CHAR_IFACE, 'WriteValue', 'aya{sv}', args,
                                  ok, err, timeout=CALL_TIMEOUT)


def subscribers(peripheral, char_path):
    return [o for o in mockobject.objects.values()
            if getattr(o, 'target', None) == (peripheral, char_path) and o.props[CHAR_IFACE]['Notifying']]


def StartNotify(obj, ok=None, err=None):
    try:
        app, char_path = app_owner(obj)
    except dbus.exceptions.DBusException as e:
        err(e)
        return
    flags = [str(f) for f in app['chars'][char_path]['Flags']]
    if 'notify' not in flags and 'indicate' not in flags:
        err(error('NotSupported', 'Operation is not supported'))
        return
    if obj.props[CHAR_IFACE]['Notifying']:
        ok()
        return

    def started():
        obj.UpdateProperties(CHAR_IFACE, {'Notifying': dbus.Boolean(True)})
        app['notifying'].add(char_path)
        ok()

    if subscribers(*obj.target):
        started()   # bluetoothd calls the application's StartNotify only for the first subscriber
    else:
        obj.connection.call_async(app['owner'], char_path, CHAR_IFACE, 'StartNotify', '', (),
                                  started, err, timeout=CALL_TIMEOUT)


def StopNotify(obj):
    if not obj.props[CHAR_IFACE]['Notifying']:
        raise error('Failed', 'No notify session started')
    unsubscribe(obj)


def unsubscribe(obj):
    if getattr(obj, 'target', None) is None or not obj.props[CHAR_IFACE]['Notifying']:
        return
    obj.UpdateProperties(CHAR_IFACE, {'Notifying': dbus.Boolean(False)})
    peripheral, char_path = obj.target
    app = getattr(peripheral, 'gatt_app', None)
    if app is not None and not subscribers(peripheral, char_path):
        app['notifying'].discard(char_path)
        obj.connection.call_async(app['owner'], char_path, CHAR_IFACE, 'StopNotify', '', (),
                                  lambda: None, lambda e: None, timeout=CALL_TIMEOUT)


def on_properties_changed(interface, changed, _invalidated, sender=None, path=None):
    '''A notify characteristic of some application changed its Value: notify its subscribers.'''
    if interface != CHAR_IFACE or 'Value' not in changed:
        return
    for peripheral in adapters():
        app = getattr(peripheral, 'gatt_app', None)
        if app is None or app['owner'] != sender or path not in app['chars']:
            continue
        value = bytes(changed['Value'])
        for obj in subscribers(peripheral, path):
            central = mockobject.objects[str(obj.device.props[DEVICE_IFACE]['Adapter'])]
            limit = link_mtu(central, peripheral) - 3
            stats['notifications'] += 1
            if len(value) > limit:
                stats['truncated_notifications'] += 1
            obj.UpdateProperties(CHAR_IFACE, {'Value': dbus.Array(value[:limit], signature='y')})


def on_name_owner_changed(name, _old, new):
    if name.startswith(':') and not new:
        forget_owner(name)


# ---- test controls ----

@dbus.service.method(MOCK_IFACE, in_signature='ss', out_signature='s')
def AddAdapter(self, device_name, system_name):
    '''bluez5's AddAdapter, with GattManager1, LEAdvertisingManager1 and the air.'''
    path = bluez5.AddAdapter(self, device_name, system_name)
    adapter = mockobject.objects[path]
    adapter.gatt_app = None
    adapter.adverts = {}
    adapter.mtu = DEFAULT_MTU
    adapter.rssi = -60
    adapter.discovery_filter = {}
    native_method(adapter, GATT_MANAGER_IFACE, 'RegisterApplication', 'oa{sv}', '', RegisterApplication,
                  sender_keyword='sender', async_callbacks=('ok', 'err'))
    native_method(adapter, GATT_MANAGER_IFACE, 'UnregisterApplication', 'o', '', UnregisterApplication,
                  sender_keyword='sender')
    native_method(adapter, ADV_MANAGER_IFACE, 'RegisterAdvertisement', 'oa{sv}', '', RegisterAdvertisement,
                  sender_keyword='sender', async_callbacks=('ok', 'err'))
    native_method(adapter, ADV_MANAGER_IFACE, 'UnregisterAdvertisement', 'o', '', UnregisterAdvertisement,
                  sender_keyword='sender')
    native_method(adapter, ADAPTER_IFACE, 'StartDiscovery', '', '', StartDiscovery)
    native_method(adapter, ADAPTER_IFACE, 'StopDiscovery', '', '', StopDiscovery)
    native_method(adapter, ADAPTER_IFACE, 'SetDiscoveryFilter', 'a{sv}', '', SetDiscoveryFilter)
    adapter.props[ADV_MANAGER_IFACE] = {
        'ActiveInstances': dbus.Byte(0), 'SupportedInstances': dbus.Byte(MAX_ADVERTISEMENTS),
        'SupportedIncludes': dbus.Array(['tx-power', 'appearance', 'local-name'], signature='s')}
    adapter.props[GATT_MANAGER_IFACE] = {}
    return path


@dbus.service.method(MOCK_IFACE, in_signature='sq', out_signature='')
def SetMtu(_self, device_name, mtu):
    '''The ATT MTU this adapter negotiates (a link takes the smaller of its two ends).'''
    if mtu < 23 or mtu > 517:
        raise error('InvalidArguments', f'MTU {mtu} outside 23..517')
    adapter_obj(device_name).mtu = int(mtu)


@dbus.service.method(MOCK_IFACE, in_signature='ssaya{sv}', out_signature='s',
                     async_callbacks=('ok', 'err'))
def InjectWrite(_self, device_name, address, value, options, ok=None, err=None):
    '''A foreign central at ADDRESS writes VALUE to the first writable characteristic of the application
    on adapter DEVICE_NAME, with bluetoothd's options plus OPTIONS (e.g. offset); returns the error name
    the application answered, or "".'''
    peripheral = adapter_obj(device_name)
    app = getattr(peripheral, 'gatt_app', None)
    if app is None:
        err(error('DoesNotExist', 'no application registered on ' + device_name))
        return
    target = next((p for p, c in sorted(app['chars'].items())
                   if 'write' in [str(f) for f in c['Flags']] or
                   'write-without-response' in [str(f) for f in c['Flags']]), None)
    if target is None:
        err(error('DoesNotExist', 'no writable characteristic'))
        return
    back = ensure_device(peripheral, address, 'foreign central')
    full = {'device': dbus.ObjectPath(back.path), 'mtu': dbus.UInt16(peripheral.mtu), 'link': dbus.String('LE'),
            'type': dbus.String('request')}
    full.update(options)
    peripheral.connection.call_async(app['owner'], target, CHAR_IFACE, 'WriteValue', 'aya{sv}',
                                     (dbus.Array(value, signature='y'), full), lambda: ok(''),
                                     lambda e: ok(e.get_dbus_name() or 'unknown'), timeout=CALL_TIMEOUT)


@dbus.service.method(MOCK_IFACE, in_signature='ss', out_signature='')
def CutLink(_self, device_name, address):
    '''The device ADDRESS as seen from adapter DEVICE_NAME goes out of range mid-connection.'''
    path = device_path(adapter_obj(device_name), address)
    if path not in mockobject.objects:
        raise error('DoesNotExist', 'no device ' + path)
    drop(mockobject.objects[path])


@dbus.service.method(MOCK_IFACE, in_signature='', out_signature='a{su}')
def Stats(_self):
    return dbus.Dictionary({k: dbus.UInt32(v) for k, v in stats.items()}, signature='su')


def load(mock, parameters):
    bluez5.load(mock, parameters)
    mock.connection.add_signal_receiver(on_properties_changed, signal_name='PropertiesChanged',
                                        dbus_interface=PROPS_IFACE, sender_keyword='sender', path_keyword='path')
    mock.connection.add_signal_receiver(on_name_owner_changed, signal_name='NameOwnerChanged',
                                        dbus_interface='org.freedesktop.DBus', bus_name='org.freedesktop.DBus')
