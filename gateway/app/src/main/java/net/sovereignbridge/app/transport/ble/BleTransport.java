package net.sovereignbridge.app.transport.ble;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.sovereignbridge.drivers.bluez.BluezBus;
import net.sovereignbridge.drivers.bluez.BluezException;
import net.sovereignbridge.drivers.bluez.Central;
import net.sovereignbridge.drivers.bluez.GattClient;
import net.sovereignbridge.drivers.bluez.GattLayout;
import net.sovereignbridge.drivers.bluez.GattServer;
import net.sovereignbridge.drivers.bluez.PeripheralListener;
import net.sovereignbridge.drivers.bluez.Variants;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.PreferenceClass;
import net.sovereignbridge.mesh.transport.TransportBase;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportKind;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportProfile;
import net.sovereignbridge.mesh.transport.TransportState;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BLE through BlueZ (drivers/bluez): every gateway serves the Sovereign Bridge GATT service and advertises it,
 * and discovers the others. Between two gateways there is one BLE link, made by the one with the lower
 * Bluetooth address; over it each side writes (write without response) to the other's write characteristic,
 * so that a frame goes to exactly one neighbour (a notification would reach every subscribed central). A frame
 * longer than one write crosses in fragments ({@link BleFragments}, sized to the link's ATT MTU). The endpoint of
 * a neighbour is its Device1 path on our adapter, which is also the {@code device} bluetoothd names on its writes.
 *
 * <p>BlueZ absent, the adapter absent or powered off: UNAVAILABLE with the reason, and the transport tries again
 * by itself (2 s doubling to 60 s), since bluetoothd restarts and adapters come and go; the same happens when
 * bluetoothd or the adapter goes away while ACTIVE. A lost link is reconnected by its maker with backoff.
 * Layout and framing: docs/ble.md.
 */
public final class BleTransport extends TransportBase {
    private static final Logger log = LoggerFactory.getLogger(BleTransport.class);

    /** The Sovereign Bridge GATT service (docs/ble.md). */
    public static final GattLayout LAYOUT = new GattLayout("45e50001-df03-4c56-8cb1-55bc002630d8",
            "45e50002-df03-4c56-8cb1-55bc002630d8", "45e50003-df03-4c56-8cb1-55bc002630d8",
            "45e50004-df03-4c56-8cb1-55bc002630d8");
    /** The largest link frame: reassembly holds at most this per peer. */
    public static final int MTU = 1024;
    private static final long FIRST_RETRY_MILLIS = 2_000;
    private static final long MAX_RETRY_MILLIS = 60_000;

    /**
     * @param adapter BlueZ adapter name (hci0)
     * @param localName advertised name, or empty; at most 8 bytes beside the 128-bit service UUID
     * @param maxLinks links kept at once (and centrals whose writes are reassembled at once: twice that)
     * @param connectTimeoutMillis how long a connection may take until BlueZ has resolved the services
     */
    public record Options(String adapter, String localName, int maxLinks, long connectTimeoutMillis,
            long neighbourTimeoutMillis) {
        public Options {
            Objects.requireNonNull(adapter, "adapter");
            Objects.requireNonNull(localName, "localName");
            if (maxLinks < 1) throw new IllegalArgumentException("maxLinks must be at least 1");
        }
    }

    private final Options options;
    private final String busAddress;
    private final byte[] identity;
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<String, BleFragments.Reassembler> reassembly = new ConcurrentHashMap<>();
    private final Map<String, Long> reconnectDelay = new ConcurrentHashMap<>();
    private final Set<String> foreign = ConcurrentHashMap.newKeySet();
    private final AtomicLong fragmentsSent = new AtomicLong();
    private final AtomicLong fragmentsReceived = new AtomicLong();
    private final AtomicLong framesIncomplete = new AtomicLong();
    private final AtomicLong linkLosses = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private volatile Session session;
    private volatile boolean stopped = true;
    private ScheduledExecutorService worker;
    private ScheduledFuture<?> retry;
    private long retryDelay = FIRST_RETRY_MILLIS;

    /** What one successful start holds: the bus, our GATT server, our central, the watchers. */
    private record Session(BluezBus bus, BluezBus.AdapterInfo adapter, GattServer server, Central central,
                           List<AutoCloseable> watchers) {}

    /** One link to a neighbour gateway: our client of its GATT service. */
    private static final class Link {
        final GattClient client;
        final String identity;
        final AtomicInteger sequence = new AtomicInteger();
        volatile int rssi;

        Link(GattClient client, String identity, int rssi) {
            this.client = client;
            this.identity = identity;
            this.rssi = rssi;
        }
    }

    /**
     * @param busAddress the system bus (BluezBus.systemBusAddress of the environment; tests give a private bus)
     * @param identity what the identity characteristic serves: this node's mesh address
     */
    public BleTransport(String id, Options options, String busAddress, byte[] identity, Clock clock) {
        super(id, profile(options), clock, DEFAULT_MAX_NEIGHBOURS);
        this.options = options;
        this.busAddress = Objects.requireNonNull(busAddress, "busAddress");
        this.identity = identity.clone();
    }

    private static TransportProfile profile(Options o) {
        // LAN and BLE are both local and fast; cost 1 leaves LAN (cost 0) the carrier while both are up
        return TransportProfile.of(TransportKind.DUPLEX, MTU, PreferenceClass.LOCAL_FAST).withBitrate(250_000)
                .withLatency(30).withCost(1).withNeighbourTimeout(o.neighbourTimeoutMillis());
    }

    public Options options() {
        return options;
    }

    @Override
    public synchronized void start(TransportListener listener) throws TransportException {
        attach(listener);
        stopped = false;
        if (worker == null) {
            worker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ble-" + id());
                t.setDaemon(true);
                return t;
            });
        }
        cancelRetry();
        teardown();
        retryDelay = FIRST_RETRY_MILLIS;
        setState(TransportState.STARTING, options.adapter());
        try {
            attempt();
        } catch (BluezException e) {
            unavailable(e.getMessage());
            throw new TransportException(id() + ": " + e.getMessage(), e);
        }
    }

    /** Connects to BlueZ, serves, advertises and discovers; ACTIVE when all of it worked. */
    private void attempt() throws BluezException {
        BluezBus bus = BluezBus.connect(busAddress);
        GattServer server = null;
        Central central = null;
        List<AutoCloseable> watchers = new ArrayList<>();
        try {
            BluezBus.AdapterInfo adapter = bus.adapter(options.adapter());
            String owner = bus.bluezOwner();
            watchers.add(bus.connection().addSigHandler(DBus.NameOwnerChanged.class, s -> {
                if (BluezBus.SERVICE.equals(s.name) && s.newOwner.isEmpty()) lost("BlueZ left the system bus");
            }));
            watchers.add(bus.connection().addSigHandler(ObjectManager.InterfacesRemoved.class, s -> {
                if (owner.equals(s.getSource()) && adapter.path().equals(s.getSignalSource().getPath())) {
                    lost("adapter " + options.adapter() + " was removed");
                }
            }));
            watchers.add(bus.connection().addSigHandler(Properties.PropertiesChanged.class, s -> {
                if (!owner.equals(s.getSource())) return;
                if (adapter.path().equals(s.getPath()) && !Variants.bool(s.getPropertiesChanged(), "Powered", true)) {
                    lost("adapter " + options.adapter() + " was powered off");
                } else if (s.getPath().startsWith(adapter.path() + "/dev_") && "org.bluez.Device1".equals(s.getInterfaceName())
                        && !Variants.bool(s.getPropertiesChanged(), "Connected", true)) {
                    disconnected(s.getPath());
                }
            }));
            server = new GattServer(bus, adapter.path(), LAYOUT, identity, options.localName(),
                    "/net/sovereignbridge/" + id().replaceAll("[^A-Za-z0-9_]", "_"), new Writes());
            server.start();
            central = new Central(bus, adapter.path());
            session = new Session(bus, adapter, server, central, watchers);
            central.startDiscovery(LAYOUT.serviceUuid(), found -> run(() -> found(found)));
            retryDelay = FIRST_RETRY_MILLIS;
            setState(TransportState.ACTIVE, options.adapter() + " " + adapter.address() + " serving and discovering");
        } catch (BluezException | DBusException | RuntimeException e) {
            session = null;
            if (central != null) central.close();
            if (server != null) server.close();
            closeAll(watchers);
            bus.close();
            if (e instanceof BluezException b) throw b;
            throw new BluezException(BluezException.Reason.FAILED, e.getMessage(), e);
        }
    }

    private void unavailable(String reason) {
        teardown();
        setState(TransportState.UNAVAILABLE, reason + " (trying again in " + retryDelay / 1000 + " s)");
        scheduleRetry();
    }

    private synchronized void scheduleRetry() {
        if (stopped || worker == null) return;
        long delay = retryDelay;
        retryDelay = Math.min(MAX_RETRY_MILLIS, retryDelay * 2);
        try {
            retry = worker.schedule(() -> {
                synchronized (this) {
                    if (stopped || state() == TransportState.ACTIVE) return;
                    try {
                        attempt();
                    } catch (BluezException e) {
                        unavailable(e.getMessage());
                    }
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void cancelRetry() {
        if (retry != null) retry.cancel(false);
        retry = null;
    }

    /** bluetoothd or the adapter went away under us (signal thread): start over on the worker. */
    private void lost(String reason) {
        run(() -> {
            synchronized (this) {
                if (!stopped && state() == TransportState.ACTIVE) {
                    log.warn("transport {}: {}", id(), reason);
                    unavailable(reason);
                }
            }
        });
    }

    private void run(Runnable task) {
        ScheduledExecutorService w = worker;
        if (w == null) return;
        try {
            w.execute(task);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** A device advertising our service (worker thread): link to it if we are the one who connects. */
    private void found(Central.Found found) {
        Link link = links.get(found.device());
        if (link != null) {
            link.rssi = found.rssi();
            return;
        }
        Session s = session;
        if (s == null || foreign.contains(found.device())) return;
        if (weConnect(s, found.address()) || deviceConnected(s, found.device())) {
            open(s, found.device(), found.rssi());
        }
    }

    /** Of two gateways, the one with the lower Bluetooth address makes the link (one link per pair). */
    private static boolean weConnect(Session s, String peerAddress) {
        return s.adapter().address().toUpperCase(Locale.ROOT).compareTo(peerAddress.toUpperCase(Locale.ROOT)) < 0;
    }

    private static boolean deviceConnected(Session s, String device) {
        try {
            return Boolean.TRUE.equals(s.bus().property(device, "org.bluez.Device1", "Connected").getValue());
        } catch (BluezException e) {
            return false;
        }
    }

    private void open(Session s, String device, int rssi) {
        if (links.containsKey(device) || links.size() >= options.maxLinks() || state() != TransportState.ACTIVE) return;
        GattClient client = null;
        try {
            client = s.central().connect(device, LAYOUT, Duration.ofMillis(options.connectTimeoutMillis()));
            String peer = hex(client.readIdentity());
            Link link = new Link(client, peer, rssi);
            links.put(device, link);
            reconnectDelay.remove(device);
            client.onLoss(() -> run(() -> linkLost(device, link)));
            log.info("transport {}: link to {} ({}), ATT MTU {}", id(), device, peer, client.mtu());
        } catch (BluezException e) {
            connectFailures.incrementAndGet();
            if (client != null) client.close();
            if (e.getMessage().contains("does not offer service")) {
                if (foreign.size() < 4 * options.maxLinks()) foreign.add(device); // a phone: it writes, we do not
            } else {
                log.info("transport {}: no link to {}: {}", id(), device, e.getMessage());
                // only a lost link is retried: a central that wrote and left is not ours to chase
                if (reconnectDelay.containsKey(device)) reconnectLater(s, device);
            }
        }
    }

    /** A central (a gateway or a phone) disconnected: what it had half sent is lost, its slot is free. */
    private void disconnected(String device) {
        BleFragments.Reassembler r = reassembly.remove(device);
        if (r != null && r.pending()) {
            framesIncomplete.incrementAndGet();
            rejected(DecodeError.FRAGMENT_INCONSISTENT);
        }
        foreign.remove(device);
    }

    private void linkLost(String device, Link link) {
        if (!links.remove(device, link)) return;
        linkLosses.incrementAndGet();
        disconnected(device); // the peer vanished, perhaps mid-frame: its fragments are thrown away
        link.client.close();
        Session s = session;
        if (s != null && weConnect(s, addressOf(device))) {
            reconnectDelay.putIfAbsent(device, 500L); // the chain's first delay doubles to 1 s
            reconnectLater(s, device);
        }
    }

    private void reconnectLater(Session s, String device) {
        if (!weConnect(s, addressOf(device))) return;
        long delay = reconnectDelay.merge(device, 1_000L, (old, x) -> Math.min(MAX_RETRY_MILLIS, old * 2));
        ScheduledExecutorService w = worker;
        if (w == null) return;
        try {
            w.schedule(() -> {
                Session now = session;
                if (now == s && !links.containsKey(device)) open(now, device, 0);
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService w;
        synchronized (this) {
            if (stopped) return;
            stopped = true;
            cancelRetry();
            w = worker;
            worker = null;
        }
        setState(TransportState.STOPPING, "");
        if (w != null) {
            w.shutdownNow();
            try {
                w.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        teardown();
        setState(TransportState.STOPPED, "");
    }

    private synchronized void teardown() {
        Session s = session;
        session = null;
        for (Link l : links.values()) l.client.close();
        links.clear();
        reassembly.clear();
        reconnectDelay.clear();
        if (s == null) return;
        closeAll(s.watchers());
        s.central().close();
        s.server().close();
        s.bus().close();
    }

    @Override
    public void send(Endpoint to, byte[] frame) throws TransportException {
        checkSend(to, frame);
        if (to.isBroadcast()) {
            for (Map.Entry<String, Link> e : links.entrySet()) {
                try {
                    sendOn(e.getKey(), e.getValue(), frame);
                } catch (TransportException ex) {
                    log.debug("transport {}: broadcast to {} failed: {}", id(), e.getKey(), ex.getMessage());
                }
            }
            return;
        }
        Link link = links.get(to.value());
        if (link == null) throw new TransportException(id() + ": no BLE link to " + to.value());
        sendOn(to.value(), link, frame);
    }

    private void sendOn(String device, Link link, byte[] frame) throws TransportException {
        // one frame's fragments must not interleave with another's on the link
        synchronized (link) {
            // a write command carries MTU - 3 bytes, and no attribute value is longer than 512
            int payload = Math.min(link.client.mtu() - 3, GattServer.MAX_ATTRIBUTE);
            List<byte[]> writes = BleFragments.split(frame, link.sequence.getAndIncrement(), payload);
            try {
                for (byte[] w : writes) {
                    link.client.write(w, false);
                    fragmentsSent.incrementAndGet();
                }
                sent();
            } catch (BluezException e) {
                sendFailed();
                throw new TransportException(id() + ": to " + device + ": " + e.getMessage(), e);
            }
        }
    }

    /** Writes bluetoothd hands us (one method-call thread, so in the order they came over the air). */
    private final class Writes implements PeripheralListener {
        @Override
        public void written(Write write) throws WriteRefused {
            if (session == null || state() != TransportState.ACTIVE) {
                throw new WriteRefused("org.bluez.Error.NotReady", id() + " is not active");
            }
            BleFragments.Reassembler r = reassembly.get(write.device());
            if (r == null) {
                if (reassembly.size() >= 2 * options.maxLinks()) {
                    rejected(DecodeError.REASSEMBLY_LIMIT);
                    throw new WriteRefused("org.bluez.Error.NotPermitted", "too many centrals writing at once");
                }
                r = reassembly.computeIfAbsent(write.device(), d -> new BleFragments.Reassembler(MTU));
            }
            fragmentsReceived.incrementAndGet();
            BleFragments.Reassembler.Result result = r.accept(write.value());
            if (result instanceof BleFragments.Reassembler.Frame f) {
                if (f.dropped()) framesIncomplete.incrementAndGet();
                Link link = links.get(write.device());
                LinkQuality q = link == null ? LinkQuality.UNKNOWN : new LinkQuality(link.rssi, Double.NaN, -1, 0.0);
                deliver(new Endpoint(id(), write.device()), f.frame(), q);
            } else if (result instanceof BleFragments.Reassembler.Pending p) {
                if (p.dropped()) framesIncomplete.incrementAndGet();
            } else if (result instanceof BleFragments.Reassembler.Refused refused) {
                if (refused.dropped()) framesIncomplete.incrementAndGet();
                rejected(DecodeError.FRAGMENT_INCONSISTENT);
                throw new WriteRefused("org.bluez.Error.Failed", refused.reason());
            }
            if (!links.containsKey(write.device()) && !foreign.contains(write.device())) {
                Session s = session;
                // a gateway that linked to us: our client of its service goes over the same link
                run(() -> {
                    if (s == session && s != null) open(s, write.device(), 0);
                });
            }
        }
    }

    private static String addressOf(String device) {
        int at = device.lastIndexOf("/dev_");
        return at < 0 ? device : device.substring(at + 5).replace('_', ':');
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x", x & 0xFF));
        return s.toString();
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // the bus is closing with them
            }
        }
    }

    @Override
    public Map<String, Object> statusFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("adapter", options.adapter());
        Session s = session;
        if (s != null) m.put("address", s.adapter().address());
        m.put("service", LAYOUT.serviceUuid());
        List<Map<String, Object>> list = new ArrayList<>();
        links.forEach((device, l) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("device", device);
            e.put("peer", l.identity);
            e.put("att-mtu", l.client.mtu());
            e.put("rssi", l.rssi);
            list.add(e);
        });
        m.put("links", list);
        m.put("fragments-sent", fragmentsSent.get());
        m.put("fragments-received", fragmentsReceived.get());
        m.put("frames-incomplete", framesIncomplete.get());
        m.put("link-losses", linkLosses.get());
        m.put("connect-failures", connectFailures.get());
        return m;
    }
}
