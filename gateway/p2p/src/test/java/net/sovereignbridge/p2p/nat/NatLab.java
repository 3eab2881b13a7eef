package net.sovereignbridge.p2p.nat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A NAT laboratory built from Linux network namespaces, for tests that need real NATs rather than
 * our own idea of one. Layout (all addresses private, as the lab must never route to the internet):
 *
 * <pre>
 *   public net 10.77.0.0/24 (a bridge inside the "pub" namespace, which is itself host 10.77.0.1)
 *     |-- router "eim" 10.77.0.11  -- 192.168.11.0/24 -- host "eimHost" 192.168.11.2
 *     |       endpoint-independent mapping: snat keeping the source port (a home router)
 *     |-- router "eim2" 10.77.0.13 -- 192.168.13.0/24 -- host "eim2Host" 192.168.13.2 (the same kind)
 *     '-- router "sym" 10.77.0.12  -- 192.168.12.0/24 -- host "symHost" 192.168.12.2
 *             symmetric: snat with a random port per connection ({@code masquerade random})
 * </pre>
 *
 * Both routers forward inbound only packets of connections their inside opened (a stateful firewall),
 * so an unsolicited dial from the public net to an inside host fails, as behind a real NAT. New
 * connections from outside to the router itself are dropped, not refused: otherwise the peer's early SYN
 * of a simultaneous open is answered with a RST and, worse, its conntrack entry takes the tuple that the
 * inside host's own SYN needs, so snat moves that SYN to another port and the punch fails (measured
 * with a plain retrying dialer: 1 of 10 without the rule, 10 of 10 on the first attempt with it).
 * Names carry a random prefix so that labs of parallel test runs never collide; {@link #close()}
 * deletes the namespaces, which takes their veth links, bridge and nftables rules with them.
 * Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN), iproute2 and nftables.
 */
public final class NatLab implements AutoCloseable {

    /** A namespace of the lab with the address other lab hosts reach it at. */
    public record Node(String namespace, String address) {}

    public static final String PUBLIC_NET = "10.77.0";
    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final Thread cleanupOnExit = new Thread(this::deleteNamespaces, "natlab-cleanup");

    public final Node pub;
    public final Node eimRouter;
    public final Node eimHost;
    public final Node eim2Router;
    public final Node eim2Host;
    public final Node symRouter;
    public final Node symHost;

    private NatLab(String prefix) {
        this.prefix = prefix;
        this.pub = new Node(prefix + "pub", PUBLIC_NET + ".1");
        this.eimRouter = new Node(prefix + "eim", PUBLIC_NET + ".11");
        this.eimHost = new Node(prefix + "eimh", "192.168.11.2");
        this.eim2Router = new Node(prefix + "eim2", PUBLIC_NET + ".13");
        this.eim2Host = new Node(prefix + "eim2h", "192.168.13.2");
        this.symRouter = new Node(prefix + "sym", PUBLIC_NET + ".12");
        this.symHost = new Node(prefix + "symh", "192.168.12.2");
    }

    /** Builds the whole lab; on any failure deletes what was built and throws naming the step. */
    public static NatLab start() throws IOException, InterruptedException {
        NatLab lab = new NatLab("nl" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2)));
        Runtime.getRuntime().addShutdownHook(lab.cleanupOnExit);
        try {
            lab.build();
            return lab;
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build() throws IOException, InterruptedException {
        addNamespace(pub.namespace());
        String bridge = prefix + "br";
        exec(pub.namespace(), "ip", "link", "add", bridge, "type", "bridge");
        exec(pub.namespace(), "ip", "addr", "add", pub.address() + "/24", "dev", bridge);
        exec(pub.namespace(), "ip", "link", "set", bridge, "up");
        router(eimRouter, eimHost, "192.168.11", "e",
                "snat ip to " + eimRouter.address());
        router(eim2Router, eim2Host, "192.168.13", "f",
                "snat ip to " + eim2Router.address());
        router(symRouter, symHost, "192.168.12", "s",
                "snat ip to " + symRouter.address() + " random");
    }

    /** One router on the public bridge with one private net and one host behind it. */
    private void router(Node router, Node host, String privateNet, String tag, String natStatement)
            throws IOException, InterruptedException {
        addNamespace(router.namespace());
        addNamespace(host.namespace());
        String wan = prefix + tag + "w", wanPeer = prefix + tag + "W";
        String lan = prefix + tag + "l", lanPeer = prefix + tag + "L";
        exec(null, "ip", "link", "add", wan, "netns", router.namespace(), "type", "veth",
                "peer", "name", wanPeer, "netns", pub.namespace());
        exec(pub.namespace(), "ip", "link", "set", wanPeer, "master", prefix + "br", "up");
        exec(router.namespace(), "ip", "addr", "add", router.address() + "/24", "dev", wan);
        exec(router.namespace(), "ip", "link", "set", wan, "up");
        exec(null, "ip", "link", "add", lan, "netns", router.namespace(), "type", "veth",
                "peer", "name", lanPeer, "netns", host.namespace());
        exec(router.namespace(), "ip", "addr", "add", privateNet + ".1/24", "dev", lan);
        exec(router.namespace(), "ip", "link", "set", lan, "up");
        exec(host.namespace(), "ip", "addr", "add", host.address() + "/24", "dev", lanPeer);
        exec(host.namespace(), "ip", "link", "set", lanPeer, "up");
        exec(host.namespace(), "ip", "route", "add", "default", "via", privateNet + ".1");
        exec(router.namespace(), "sysctl", "-qw", "net.ipv4.ip_forward=1");
        String rules = String.join("\n",
                "table ip natlab {",
                "  chain postrouting {",
                "    type nat hook postrouting priority srcnat; policy accept;",
                "    oifname \"" + wan + "\" " + natStatement,
                "  }",
                "  chain forward {",
                "    type filter hook forward priority filter; policy accept;",
                "    iifname \"" + wan + "\" ct state established,related accept",
                "    iifname \"" + wan + "\" drop",
                "  }",
                "  chain input {",
                "    type filter hook input priority filter; policy accept;",
                "    iifname \"" + wan + "\" ct state new drop",
                "  }",
                "}", "");
        runWithInput(router.namespace(), rules, "nft", "-f", "-");
    }

    /** Starts a command inside a lab namespace; the caller owns (and must end) the process. */
    public Process spawn(Node node, String... command) throws IOException {
        return new ProcessBuilder(inNamespace(node.namespace(), command)).start();
    }

    /** Runs a command inside a lab namespace and returns its standard output; fails on a non-zero exit. */
    public String run(Node node, String... command) throws IOException, InterruptedException {
        return exec(node.namespace(), command);
    }

    private void addNamespace(String name) throws IOException, InterruptedException {
        exec(null, "ip", "netns", "add", name);
        namespaces.add(name);
        exec(name, "ip", "link", "set", "lo", "up");
    }

    private static String[] inNamespace(String namespace, String... command) {
        if (namespace == null) return command;
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return full.toArray(String[]::new);
    }

    private static String exec(String namespace, String... command) throws IOException, InterruptedException {
        return runWithInput(namespace, null, command);
    }

    private static String runWithInput(String namespace, String input, String... command)
            throws IOException, InterruptedException {
        String[] full = inNamespace(namespace, command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        if (input != null) p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("NAT lab: timed out: " + String.join(" ", full));
        }
        if (p.exitValue() != 0) {
            throw new IOException("NAT lab: exit " + p.exitValue() + " from `" + String.join(" ", full)
                    + "` (needs root, iproute2 and nftables): " + out.strip());
        }
        return out;
    }

    private synchronized void deleteNamespaces() {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                exec(null, "ip", "netns", "del", namespaces.get(i));
            } catch (IOException | InterruptedException ignored) {
                // already gone, or the JVM is exiting: nothing else to undo
            }
        }
        namespaces.clear();
    }

    @Override
    public void close() {
        deleteNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException exiting) {
            // the hook is running right now
        }
    }

    /** The namespaces currently alive (for the teardown test). */
    List<String> namespaces() {
        return List.copyOf(namespaces);
    }
}
