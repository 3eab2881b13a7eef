package net.sovereignbridge.app.transport.kiss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.sovereignbridge.drivers.kiss.Callsign;
import net.sovereignbridge.drivers.kiss.JSerialCommOpener;
import net.sovereignbridge.drivers.kiss.KissFrame;
import net.sovereignbridge.drivers.kiss.KissPort;
import net.sovereignbridge.drivers.kiss.PtyPair;
import net.sovereignbridge.drivers.kiss.TncParameters;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.transport.Endpoint;
import net.sovereignbridge.mesh.transport.LinkQuality;
import net.sovereignbridge.mesh.transport.Transport;
import net.sovereignbridge.mesh.transport.TransportException;
import net.sovereignbridge.mesh.transport.TransportListener;
import net.sovereignbridge.mesh.transport.TransportState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kiss transport's airtime: each frame's time on air from the air bit rate and TXDELAY (vector below), frames
 * handed to the TNC only as fast as the air carries them (the backlog waits in our queue), and a configured duty cycle
 * that holds frames back and refuses one that could never fit.
 */
class KissAirtimeTest {
    private static final TransportListener QUIET = new TransportListener() {
        @Override
        public void onFrame(Transport transport, Endpoint from, byte[] frame, LinkQuality quality) {}

        @Override
        public void onStateChanged(Transport transport, TransportState state, String reason) {}
    };

    @TempDir
    Path dir;

    @Test
    void timeOnAirIsTxdelayPlusTheHdlcBitsAtTheAirRate() {
        TncParameters tnc = new TncParameters(30, 63, 10, 0, false);
        // a full UI frame: 16 header + 256 information + 4 HDLC bytes = 2208 bits, 2649 with worst-case stuffing;
        // at 1200 bit/s 2.2075 s, plus 300 ms TXDELAY
        assertEquals(2_507_500_000L, KissTransport.airtimeNanos(272, 1200, tnc));
        // at 9600 bit/s without TXDELAY: 2649 bits = 275.9375 ms, rounded up to the nanosecond
        assertEquals(275_937_500L, KissTransport.airtimeNanos(272, 9600, new TncParameters(0, 63, 10, 0, false)));
    }

    private static byte[] frame(int length) {
        byte[] f = new byte[length];
        f[0] = (byte) (MeshFrame.VERSION << 4);
        return f;
    }

    @Test
    void framesReachTheTncOnlyAsFastAsTheAirCarriesThem() throws Exception {
        try (PtyPair pair = new PtyPair(dir)) {
            LinkedBlockingQueue<KissFrame> atTnc = new LinkedBlockingQueue<>();
            KissPort tnc = new KissPort(new JSerialCommOpener(), new KissPort.Options(pair.b(), 115200, 4096, 20, 200),
                    f -> {
                        if (f.isData()) atTnc.add(f);
                    });
            tnc.open();
            KissTransport kiss = new KissTransport("kiss0", new KissTransport.Options(pair.a(), 115200,
                    Callsign.parse("N0CALL-1"), 0, 1200, KissTransport.MAX_MTU, new TncParameters(10, 63, 10, 0, false),
                    60_000), new JSerialCommOpener(), Clock.systemUTC());
            kiss.start(QUIET);
            try {
                assertFalse(kiss.profile().airtimeGoverned(), "no duty cycle configured: no budget to plan for");
                for (int i = 0; i < 4; i++) kiss.send(Endpoint.broadcast("kiss0"), frame(256)); // 2.3 s each on air
                assertNotNull(atTnc.poll(5, TimeUnit.SECONDS), "the first frame goes to the TNC at once");
                Map<String, Object> status = kiss.statusFields();
                // the other three wait for airtime here, not in the TNC's buffer
                assertTrue((long) status.get("queuedLocal") >= 2, status.toString());
                assertEquals(0, atTnc.size(), "a second frame went to the TNC before the first had its airtime");
                assertTrue((long) status.get("airtimeLastHourMs") >= 2_300, status.toString());
            } finally {
                kiss.stop();
                tnc.close();
            }
        }
    }

    @Test
    void aDutyCycleHoldsFramesBackAndRefusesOneThatCanNeverFit() throws Exception {
        try (PtyPair pair = new PtyPair(dir)) {
            LinkedBlockingQueue<KissFrame> atTnc = new LinkedBlockingQueue<>();
            KissPort tnc = new KissPort(new JSerialCommOpener(), new KissPort.Options(pair.b(), 115200, 4096, 20, 200),
                    f -> {
                        if (f.isData()) atTnc.add(f);
                    });
            tnc.open();
            // 0.05 % of an hour = 1.8 s of airtime; at 9600 bit/s a 240-byte link frame takes 260 ms: six fit
            KissTransport kiss = new KissTransport("kiss0", new KissTransport.Options(pair.a(), 115200,
                    Callsign.parse("N0CALL-1"), 0, 9600, KissTransport.MAX_MTU, new TncParameters(0, 63, 10, 0, false),
                    60_000, 0.0005, 64), new JSerialCommOpener(), Clock.systemUTC());
            kiss.start(QUIET);
            try {
                assertTrue(kiss.profile().airtimeGoverned());
                assertEquals(1_800_000_000L, kiss.hourlyBudgetNanos());
                int fit = (int) (kiss.hourlyBudgetNanos() / kiss.airtimeNanos(240));
                assertEquals(6, fit);
                for (int i = 0; i < fit + 3; i++) kiss.send(Endpoint.broadcast("kiss0"), frame(240));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (atTnc.size() < fit && System.nanoTime() < deadline) Thread.sleep(20);
                assertEquals(fit, atTnc.size(), "frames within the budget go out");
                // (the sender sleeps through the last frame's airtime before it meets the budget)
                while ((long) kiss.statusFields().get("budgetWaits") == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Map<String, Object> status = kiss.statusFields();
                assertEquals(3L, status.get("queuedLocal"), "the rest waits for the budget: " + status);
                assertTrue((long) status.get("budgetWaits") > 0, status.toString());
                assertEquals(1_800L, status.get("budgetMs"));
            } finally {
                kiss.stop();
                tnc.close();
            }
            KissTransport tight = new KissTransport("kiss1", new KissTransport.Options(pair.a(), 115200,
                    Callsign.parse("N0CALL-1"), 0, 1200, KissTransport.MAX_MTU, new TncParameters(50, 63, 10, 0, false),
                    60_000, 0.0005, 64), new JSerialCommOpener(), Clock.systemUTC());
            // a 256-byte frame takes 2.7 s at 1200 bit/s with TXDELAY 50: never within 1.8 s an hour
            tight.start(QUIET);
            try {
                TransportException e = assertThrows(TransportException.class,
                        () -> tight.send(Endpoint.broadcast("kiss1"), frame(256)));
                assertTrue(e.getMessage().contains("2708 ms on air, more than the hourly budget of the 0.05 % duty"
                        + " cycle allows"), e.getMessage());
            } finally {
                tight.stop();
            }
        }
    }
}
