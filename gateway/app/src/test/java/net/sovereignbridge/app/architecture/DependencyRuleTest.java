package net.sovereignbridge.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rule (docs/decisions.md), checked on the compiled production
 * classes of every module so it cannot erode silently: drivers know nothing of the mesh; the mesh knows
 * nothing of hardware, libp2p, Californium or Paho; p2p uses only the mesh's public interfaces
 * (identity, encoding, transport, log); the libp2p host knows none of its services; no package cycles in p2p.
 * The app wires everything and may depend on all of it.
 */
class DependencyRuleTest {
    static final String DRIVERS = "net.sovereignbridge.drivers..";
    static final String MESH = "net.sovereignbridge.mesh..";
    static final String P2P = "net.sovereignbridge.p2p..";
    static final String APP = "net.sovereignbridge.app..";
    static final String BENCH = "net.sovereignbridge.bench..";
    /**
     * What of the mesh p2p may use: the identities, the shared encodings, the transport contract it
     * implements and the rate-limited log every module shares.
     */
    static final String[] MESH_PUBLIC = {"net.sovereignbridge.mesh.identity..", "net.sovereignbridge.mesh.encoding..",
            "net.sovereignbridge.mesh.transport..", "net.sovereignbridge.mesh.log.."};
    static final String[] HARDWARE = {"com.pi4j..", DRIVERS};
    static final String[] LOCAL_SERVICES = {"org.eclipse.californium..", "org.eclipse.paho.."};

    static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // the test-jars of p2p and the driver are on the app's test class path too
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("net.sovereignbridge");
        assertTrue(production.contain("net.sovereignbridge.p2p.host.Libp2pHost"), "p2p classes imported");
        assertTrue(production.contain("net.sovereignbridge.mesh.node.Node"), "mesh classes imported");
        assertTrue(production.contain("net.sovereignbridge.app.Gateway"), "app classes imported");
        assertTrue(production.stream().anyMatch(c -> c.getPackageName().startsWith("net.sovereignbridge.drivers")),
                "driver classes imported");
        assertTrue(production.stream().noneMatch(c -> c.getSimpleName().endsWith("Test")), "no test classes imported");
    }

    @Test
    void driversKnowNothingOfTheMesh() {
        noClasses().that().resideInAPackage(DRIVERS)
                .should().dependOnClassesThat().resideInAnyPackage(MESH, P2P, APP)
                .because("a stranger could reuse each driver").check(production);
    }

    @Test
    void meshKnowsNothingOfHardwareLibp2pCaliforniumOrPaho() {
        noClasses().that().resideInAPackage(MESH)
                .should().dependOnClassesThat().resideInAnyPackage(concat(HARDWARE, LOCAL_SERVICES, P2P, APP))
                .because("the mesh is the protocol core; what carries it and what talks to it plug in from outside")
                .check(production);
    }

    @Test
    void p2pUsesOnlyTheMeshPublicInterfaces() {
        noClasses().that().resideInAPackage(P2P)
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "are in the mesh outside " + String.join(", ", MESH_PUBLIC),
                        c -> c.getPackageName().startsWith("net.sovereignbridge.mesh")
                                && java.util.Arrays.stream(MESH_PUBLIC).noneMatch(p -> c.getPackageName()
                                        .startsWith(p.substring(0, p.length() - 2)))))
                .because("p2p plugs into the mesh as a transport; storage and the node's internals are the app's to wire")
                .check(production);
        noClasses().that().resideInAPackage(P2P)
                .should().dependOnClassesThat().resideInAnyPackage(concat(HARDWARE, LOCAL_SERVICES, APP))
                .check(production);
    }

    @Test
    void theHostKnowsNoneOfItsServices() {
        noClasses().that().resideInAPackage("net.sovereignbridge.p2p.host..")
                .should().dependOnClassesThat().resideInAnyPackage("net.sovereignbridge.p2p.identify..",
                        "net.sovereignbridge.p2p.ping..", "net.sovereignbridge.p2p.websocket..", "net.sovereignbridge.p2p.dht..",
                        "net.sovereignbridge.p2p.mesh..", "net.sovereignbridge.p2p.connmgr..", "net.sovereignbridge.p2p.peerstore..")
                .because("services (identify, ping, AutoNAT, relay, ...) are added to the host from outside")
                .check(production);
    }

    @Test
    void p2pPackagesHaveNoCycles() {
        slices().matching("net.sovereignbridge.p2p.(*)..").should().beFreeOfCycles().check(production);
    }

    @Test
    void onlyTheAppAndTheBenchmarksDependOnTheApp() {
        noClasses().that().resideOutsideOfPackages(APP, BENCH)
                .should().dependOnClassesThat().resideInAPackage(APP).check(production);
    }

    private static String[] concat(Object... parts) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Object p : parts) {
            if (p instanceof String[] a) {
                out.addAll(java.util.List.of(a));
            } else {
                out.add((String) p);
            }
        }
        return out.toArray(String[]::new);
    }
}
