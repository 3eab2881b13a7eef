package net.sovereignbridge.app.coap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import net.sovereignbridge.app.services.LocalSender;
import net.sovereignbridge.app.services.SendRequest;
import net.sovereignbridge.mesh.node.Node;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.option.MapBasedOptionRegistry;
import org.eclipse.californium.core.coap.option.OptionRegistry;
import org.eclipse.californium.core.coap.option.StandardOptionRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.network.InMemoryMessageExchangeStore;
import org.eclipse.californium.core.network.RandomTokenGenerator;
import org.eclipse.californium.core.observe.ObserveRelation;
import org.eclipse.californium.core.server.resources.ResourceObserverAdapter;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's CoAP server (Californium): plain CoAP on the configured addresses, DTLS 1.2 (Scandium)
 * with PSK identities and raw public keys. Resources are documented in docs/services.md.
 *
 * <p>Sized for a 512 MB board: one protocol thread pair, one receiver and sender per socket, at most
 * {@link #MAX_PEERS} tracked peers and DTLS sessions. An address that cannot be bound (port taken,
 * interface absent) is reported in {@link #status()} and does not stop the gateway.
 *
 * <p>No client can exhaust what the server keeps per client (docs/services.md, "Limits"): every request
 * passes the {@link AdmissionLayer} first, which bounds observe relations ({@code coap.max-observers},
 * {@code coap.max-observers-per-peer}) and unfinished Block1 uploads ({@link #MAX_UPLOADS},
 * {@link #MAX_UPLOADS_PER_PEER}) per {@link CoapPeer} and in total, keeps a reserve for peers holding none,
 * and lets newcomers replace idle ones; message IDs come from {@link PeerMessageIds}, which never runs out
 * for a new peer; options we do not implement are unknown to the parser, so a critical one gets 4.02.
 */
public final class CoapService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoapService.class);
    static final int MAX_PEERS = 256;
    /** Unfinished Block1 uploads: in all, per peer, and the last of them kept for peers holding none. */
    static final int MAX_UPLOADS = 32;
    static final int MAX_UPLOADS_PER_PEER = 4;
    static final int UPLOAD_RESERVE = 8;
    /** A Block1 upload with no block for this long is forgotten (also Californium's BLOCKWISE_STATUS_LIFETIME). */
    static final long UPLOAD_IDLE_SECONDS = 30;
    /** An observer that sent nothing (no ACK, no re-registration) for this long may be replaced when full. */
    static final long OBSERVER_IDLE_SECONDS = 300;
    /**
     * Largest datagram read: the largest UDP payload over IPv4, so every request is read and answered (4.13
     * with Size1 beyond {@link SendRequest#MAX_PAYLOAD}) instead of being dropped as truncated; one buffer of
     * this size per receiver thread.
     */
    static final int DATAGRAM_SIZE = 65_507;
    public static final String RPK_KEY_FILE = "coap-dtls-rpk.key";

    private final CoapServer server;
    private final List<String> listening = new ArrayList<>();
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    private final MessagesResource messages;
    private final PeerBudget<ObserveRelation> observers;
    private final PeerBudget<AdmissionLayer.Upload> uploads;
    private final AtomicLong unauthorized = new AtomicLong();
    private final List<PeerMessageIds> messageIds = new ArrayList<>();
    private String rpkPublicKey;
    private DhtResource dht;

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private CoapService(Configuration config, CoapSettings settings, Node node, LocalSender sender) {
        this.server = new CoapServer(config);
        this.observers = new PeerBudget<>(settings.maxObservers(), settings.maxObserversPerPeer(),
                settings.maxObservers() / 4, TimeUnit.SECONDS.toNanos(OBSERVER_IDLE_SECONDS), System::nanoTime,
                ObserveRelation::cancel);
        this.uploads = new PeerBudget<>(MAX_UPLOADS, MAX_UPLOADS_PER_PEER, UPLOAD_RESERVE,
                TimeUnit.SECONDS.toNanos(UPLOAD_IDLE_SECONDS), System::nanoTime, u -> { });
        ReceiptsResource receipts = new ReceiptsResource();
        this.messages = new MessagesResource(node, sender, receipts);
        messages.addObserver(new Relations(settings.plainAccess()));
        receipts.addObserver(new Relations(settings.plainAccess()));
    }

    /** Keeps {@link #observers} in step with the relations Californium establishes and cancels. */
    private final class Relations extends ResourceObserverAdapter {
        private final CoapSettings.PlainAccess access;

        Relations(CoapSettings.PlainAccess access) {
            this.access = access;
        }

        @Override
        public void addedObserveRelation(ObserveRelation relation) {
            observers.add(relation, CoapPeer.of(relation.getExchange().getRequest(), access).name());
        }

        @Override
        public void removedObserveRelation(ObserveRelation relation) {
            observers.release(relation);
        }
    }

    /** Californium settings for a small board, never read from or written to a properties file. */
    static Configuration configuration(CoapSettings settings) {
        Configuration c = Configuration.createStandardWithoutFile();
        c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, SendRequest.MAX_PAYLOAD);
        c.set(CoapConfig.MAX_MESSAGE_SIZE, 1024);
        c.set(CoapConfig.PREFERRED_BLOCK_SIZE, 512);
        c.set(CoapConfig.BLOCKWISE_STATUS_LIFETIME, UPLOAD_IDLE_SECONDS, TimeUnit.SECONDS);
        // Californium's own caches (block-wise status, peers) hold at least every admitted client.
        c.set(CoapConfig.MAX_ACTIVE_PEERS, Math.max(MAX_PEERS, 2 * settings.maxObservers()));
        // a backstop behind our budget, which admits fewer
        c.set(CoapConfig.MAX_SERVER_OBSERVES, 2 * settings.maxObservers());
        c.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        c.set(CoapConfig.EXCHANGE_LIFETIME, 247, TimeUnit.SECONDS);
        c.set(UdpConfig.UDP_DATAGRAM_SIZE, DATAGRAM_SIZE);
        c.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 1);
        c.set(UdpConfig.UDP_SENDER_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_MAX_CONNECTIONS, MAX_PEERS);
        c.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        return c;
    }

    /**
     * The options this server implements (RFC 7252 5.10, 7641, 7959, 7967). Any other critical option is
     * unknown to the parser and a confirmable request carrying it is answered 4.02 Bad Option (RFC 7252 5.4.1):
     * conditional requests (If-Match, If-None-Match), OSCORE and Q-Block are not implemented here. Proxy-Uri
     * and Proxy-Scheme are known so that the {@link AdmissionLayer} can answer 5.05.
     */
    static OptionRegistry options() {
        return new MapBasedOptionRegistry(StandardOptionRegistry.URI_HOST, StandardOptionRegistry.ETAG,
                StandardOptionRegistry.URI_PORT, StandardOptionRegistry.LOCATION_PATH, StandardOptionRegistry.URI_PATH,
                StandardOptionRegistry.CONTENT_FORMAT, StandardOptionRegistry.MAX_AGE, StandardOptionRegistry.URI_QUERY,
                StandardOptionRegistry.ACCEPT, StandardOptionRegistry.LOCATION_QUERY, StandardOptionRegistry.PROXY_URI,
                StandardOptionRegistry.PROXY_SCHEME, StandardOptionRegistry.SIZE1, StandardOptionRegistry.OBSERVE,
                StandardOptionRegistry.BLOCK1, StandardOptionRegistry.BLOCK2, StandardOptionRegistry.SIZE2,
                StandardOptionRegistry.NO_RESPONSE);
    }

    /**
     * Starts the server with its resources; {@code status} supplies the gateway's status map (address, did,
     * transports, peers, inbox) for {@code /node} and {@code /peers}.
     */
    public static CoapService start(CoapSettings settings, Node node, Supplier<Map<String, Object>> status, Path stateDir)
            throws IOException {
        return start(settings, node, status, stateDir, null);
    }

    /**
     * As above; {@code dhtGet} (null when the daemon runs no DHT) answers {@code /dht/{key}} with the control
     * channel's {@code dht-get} result.
     */
    public static CoapService start(CoapSettings settings, Node node, Supplier<Map<String, Object>> status, Path stateDir,
            java.util.function.Function<byte[], Map<String, Object>> dhtGet) throws IOException {
        Configuration config = configuration(settings);
        LocalSender sender = new LocalSender(node,
                net.sovereignbridge.app.services.IngressGovernor.of(settings.ingressPerMinute(), settings.ingressBurst()));
        CoapService s = new CoapService(config, settings, node, sender);
        s.server.add(new NodeResource(status, s::dtlsInfo), new PeersResource(status), s.messages,
                s.messages.receipts(), new TopicsResource(node, sender, s.new Relations(settings.plainAccess())));
        if (dhtGet != null) {
            s.dht = new DhtResource(dhtGet::apply);
            s.server.add(s.dht);
        }
        node.addDeliveryListener(s.messages::delivered);

        List<InetSocketAddress> plain = new ArrayList<>();
        for (String b : settings.bind()) {
            for (InetAddress a : resolve(b, s.unavailable)) plain.add(new InetSocketAddress(a, settings.port()));
        }
        for (InetSocketAddress a : plain) {
            s.server.addEndpoint(s.endpoint(config, settings).setInetSocketAddress(a).setLoggingTag("coap").build());
        }
        if (settings.dtlsEnabled()) {
            for (InetSocketAddress a : plain) {
                InetSocketAddress da = new InetSocketAddress(a.getAddress(), settings.dtlsPort());
                s.server.addEndpoint(s.endpoint(config, settings)
                        .setConnector(new DTLSConnector(s.dtlsConfig(config, settings, da, stateDir)))
                        .setLoggingTag("coaps").build());
            }
        }
        try {
            s.server.start();
        } catch (IllegalStateException e) {
            // every endpoint failed to bind: reported below, the gateway runs without CoAP
            log.warn("CoAP: no endpoint could start: {}", e.getMessage());
        }
        for (Endpoint e : s.server.getEndpoints()) {
            String uri = e.getUri().toString();
            if (e.isStarted()) s.listening.add(uri);
            else s.unavailable.put(uri, "cannot bind (address in use or not present)");
        }
        s.unavailable.forEach((k, why) -> log.warn("CoAP endpoint {} unavailable: {}", k, why));
        return s;
    }

    /** An endpoint builder with our stack, option registry and message IDs; the caller adds the socket. */
    private CoapEndpoint.Builder endpoint(Configuration config, CoapSettings settings) {
        PeerMessageIds mids = new PeerMessageIds(config.get(CoapConfig.MAX_ACTIVE_PEERS), config,
                a -> observers.anyMatch(r -> a.equals(r.getSource())));
        messageIds.add(mids);
        RandomTokenGenerator tokens = new RandomTokenGenerator(config);
        InMemoryMessageExchangeStore store = new InMemoryMessageExchangeStore(config, tokens);
        store.setMessageIdProvider(mids);
        long uploadIdle = TimeUnit.SECONDS.toNanos(UPLOAD_IDLE_SECONDS);
        return new CoapEndpoint.Builder().setConfiguration(config).setTokenGenerator(tokens)
                .setMessageExchangeStore(store).setOptionRegistry(options())
                .setCoapStackFactory(AdmittingStack.factory(
                        () -> new AdmissionLayer(settings.plainAccess(), observers, uploads, uploadIdle, unauthorized)));
    }

    private static List<InetAddress> resolve(String bind, Map<String, String> unavailable) {
        try {
            if (bind.matches("[0-9.]+") || bind.contains(":")) return List.of(InetAddress.getByName(bind));
            NetworkInterface nif = NetworkInterface.getByName(bind);
            if (nif == null) {
                unavailable.put(bind, "no such network interface");
                return List.of();
            }
            List<InetAddress> out = new ArrayList<>();
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLinkLocalAddress()) out.add(a);
            }
            if (out.isEmpty()) unavailable.put(bind, "interface has no usable address");
            return out;
        } catch (UnknownHostException | SocketException e) {
            unavailable.put(bind, e.getMessage());
            return List.of();
        }
    }

    private DtlsConnectorConfig dtlsConfig(Configuration config, CoapSettings settings, InetSocketAddress address,
            Path stateDir) throws IOException {
        DtlsConnectorConfig.Builder b = DtlsConnectorConfig.builder(config).setAddress(address);
        if (!settings.psks().isEmpty()) {
            AdvancedMultiPskStore psks = new AdvancedMultiPskStore();
            for (CoapSettings.Psk p : settings.psks()) psks.setKey(p.identity(), p.key());
            b.setAdvancedPskStore(psks);
        }
        if (settings.rawPublicKey()) {
            KeyPair kp = rpkKey(stateDir);
            rpkPublicKey = Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
            b.setCertificateIdentityProvider(new SingleCertificateProvider(kp.getPrivate(), kp.getPublic()));
            List<RawPublicKeyIdentity> trusted = new ArrayList<>();
            for (String t : settings.trustedKeys()) {
                try {
                    trusted.add(new RawPublicKeyIdentity(Base64.getDecoder().decode(t)));
                } catch (GeneralSecurityException e) {
                    throw new IOException("coap.dtls.trusted-keys: not a public key: " + e.getMessage());
                }
            }
            b.setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                    .setTrustedRPKs(trusted.toArray(new RawPublicKeyIdentity[0])).build());
        }
        return b.build();
    }

    /** The DTLS raw-public-key (EC P-256) of this gateway, created once in a 0600 file next to the identity. */
    static KeyPair rpkKey(Path stateDir) throws IOException {
        Path file = stateDir.resolve(RPK_KEY_FILE);
        try {
            KeyFactory kf = KeyFactory.getInstance("EC");
            if (Files.exists(file)) {
                PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(file)));
                return new KeyPair(publicOf((ECPrivateKey) priv), priv);
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            Path tmp = stateDir.resolve(RPK_KEY_FILE + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, kp.getPrivate().getEncoded());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return kp;
        } catch (GeneralSecurityException e) {
            throw new IOException("DTLS raw public key: " + e.getMessage(), e);
        }
    }

    private static PublicKey publicOf(ECPrivateKey priv) throws GeneralSecurityException {
        // Q = d * G, computed with BouncyCastle's curve arithmetic (the JDK has no public API for it).
        var spec = org.bouncycastle.jce.ECNamedCurveTable.getParameterSpec("secp256r1");
        var q = spec.getG().multiply(priv.getS()).normalize();
        var point = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(point, priv.getParams()));
    }

    private Map<String, Object> dtlsInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (rpkPublicKey != null) m.put("dtlsRawPublicKey", rpkPublicKey);
        return m;
    }

    /** Endpoints up and endpoints that could not start, for status output. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("listening", List.copyOf(listening));
        if (!unavailable.isEmpty()) m.put("unavailable", new LinkedHashMap<>(unavailable));
        m.put("observers", observers.size());
        m.put("observersRefused", observers.refused());
        m.put("observersReplaced", observers.evicted());
        m.put("uploads", uploads.size());
        m.put("uploadsRefused", uploads.refused());
        m.put("unauthorized", unauthorized.get());
        long replaced = 0;
        for (PeerMessageIds p : messageIds) replaced += p.replaced();
        m.put("messageIdPeersReplaced", replaced);
        return m;
    }

    public List<String> listening() {
        return List.copyOf(listening);
    }

    /** The port actually bound by the first plain endpoint (tests bind port 0). */
    public int port(String scheme) {
        for (Endpoint e : server.getEndpoints()) {
            if (e.isStarted() && e.getUri().getScheme().equals(scheme)) return e.getAddress().getPort();
        }
        return -1;
    }

    @Override
    public void close() {
        if (dht != null) dht.close();
        server.destroy();
    }
}
