package net.sovereignbridge.p2p.multistream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MultistreamSelectTest {
    @Test
    void headerBytesMatchTheSpecLayout() throws Exception {
        // 0x13 = 19 = 18 characters + '\n'
        assertEquals("132f6d756c746973747265616d2f312e302e300a",
            HexFormat.of().formatHex(MultistreamSelect.encode(MultistreamSelect.HEADER)));
    }

    @Test
    void dialerAndListenerAgreeAfterANa() throws Exception {
        PipedInputStream dialerIn = new PipedInputStream(8192);
        PipedOutputStream listenerOut = new PipedOutputStream(dialerIn);
        PipedInputStream listenerIn = new PipedInputStream(8192);
        PipedOutputStream dialerOut = new PipedOutputStream(listenerIn);
        CompletableFuture<String> listener = CompletableFuture.supplyAsync(() -> {
            try {
                return MultistreamSelect.handle(listenerIn, listenerOut, List.of("/yamux/1.0.0"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        String chosen = MultistreamSelect.select(dialerIn, dialerOut, List.of("/mplex/6.7.0", "/yamux/1.0.0"));
        assertEquals("/yamux/1.0.0", chosen);
        assertEquals("/yamux/1.0.0", listener.get());
    }

    @Test
    void oversizedAndMalformedLinesAreRejected() {
        assertThrows(MultistreamException.class, () -> MultistreamSelect.encode("x".repeat(2000)));
        // length 0x0801 = 1025 > MAX_LINE
        assertThrows(MultistreamException.class, () -> read("8108"));
        assertThrows(MultistreamException.class, () -> read("00"));
        assertThrows(MultistreamException.class, () -> read("026e61")); // "na" without newline
        assertThrows(MultistreamException.class, () -> read("808001"));
        assertThrows(IOException.class, () -> read("05616263"));
    }

    @Test
    void listenerRejectsAWrongHeader() throws Exception {
        byte[] input = MultistreamSelect.encode("/multistream/2.0.0");
        assertThrows(MultistreamException.class, () -> MultistreamSelect.handle(
            new ByteArrayInputStream(input), new java.io.ByteArrayOutputStream(), List.of("/noise")));
    }

    @Property(tries = 2000)
    void randomBytesGiveTypedErrorsOnly(@ForAll byte[] bytes) throws Exception {
        try {
            MultistreamSelect.readLine(new ByteArrayInputStream(bytes));
        } catch (MultistreamException | IOException expected) {
            // typed rejection is the only allowed failure
        }
    }

    private static String read(String hex) throws Exception {
        return MultistreamSelect.readLine(new ByteArrayInputStream(HexFormat.of().parseHex(hex)));
    }
}
