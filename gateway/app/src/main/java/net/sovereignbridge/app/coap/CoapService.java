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
import java.util.function.Supplier;
import net.sovereignbridge.app.services.LocalSender;
import net.sovereignbridge.mesh.node.Node;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
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
 */
public final class CoapService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoapService.class);
    static final int MAX_PEERS = 256;
    /** Largest request body reassembled from Block1 transfers; beyond it Californium answers 4.13. */
    static final int MAX_BODY = 16 * 1024;
    public static final String RPK_KEY_FILE = "coap-dtls-rpk.key";

    private final CoapServer server;
    private final List<String> listening = new ArrayList<>();
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    private final MessagesResource messages;
    private String rpkPublicKey;
    private DhtResource dht;

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private CoapService(Configuration config, MessagesResource messages) {
        this.server = new CoapServer(config);
        this.messages = messages;
    }

    /** Californium settings for a small board, never read from or written to a properties file. */
    static Configuration configuration() {
        Configuration c = Configuration.createStandardWithoutFile();
        c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, MAX_BODY);
        c.set(CoapConfig.MAX_MESSAGE_SIZE, 1024);
        c.set(CoapConfig.PREFERRED_BLOCK_SIZE, 512);
        c.set(CoapConfig.MAX_ACTIVE_PEERS, MAX_PEERS);
        c.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        c.set(CoapConfig.EXCHANGE_LIFETIME, 247, TimeUnit.SECONDS);
        c.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 1);
        c.set(UdpConfig.UDP_SENDER_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_MAX_CONNECTIONS, MAX_PEERS);
        c.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        return c;
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
        Configuration config = configuration();
        LocalSender sender = new LocalSender(node,
                net.sovereignbridge.app.services.IngressGovernor.of(settings.ingressPerMinute(), settings.ingressBurst()));
        ReceiptsResource receipts = new ReceiptsResource();
        MessagesResource messages = new MessagesResource(node, sender, receipts);
        CoapService s = new CoapService(config, messages);
        s.server.add(new NodeResource(status, s::dtlsInfo), new PeersResource(status), messages, receipts,
                new TopicsResource(node, sender));
        if (dhtGet != null) {
            s.dht = new DhtResource(dhtGet::apply);
            s.server.add(s.dht);
        }
        node.addDeliveryListener(messages::delivered);

        List<InetSocketAddress> plain = new ArrayList<>();
        for (String b : settings.bind()) {
            for (InetAddress a : resolve(b, s.unavailable)) plain.add(new InetSocketAddress(a, settings.port()));
        }
        for (InetSocketAddress a : plain) {
            s.server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(a)
                    .setLoggingTag("coap").build());
        }
        if (settings.dtlsEnabled()) {
            for (InetSocketAddress a : plain) {
                InetSocketAddress da = new InetSocketAddress(a.getAddress(), settings.dtlsPort());
                s.server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
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
        if (messages != null) m.put("observers", messages.getObserverCount());
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
