package net.sovereignbridge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.sovereignbridge.drivers.satellite.BlockstreamPacket;
import net.sovereignbridge.drivers.satellite.FecEncoder;
import net.sovereignbridge.drivers.satellite.Reassembler;
import net.sovereignbridge.drivers.satellite.ReceiverStats;

/**
 * Message recovery against random datagram loss (docs/benchmarks.md): messages of a given size FEC-coded as
 * Blockstream's sender does, each datagram lost independently with probability p, the rest fed to the
 * Reassembler; prints the share of messages recovered per overhead and loss rate. A simulation of the
 * channel, not a timing: usage {@code SatelliteRecovery [MESSAGE_BYTES] [TRIALS]}.
 */
public final class SatelliteRecovery {
    private SatelliteRecovery() {}

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        double[] overheads = {0.1, 0.25};
        double[] losses = {0.01, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2};
        byte[] data = new byte[size];
        new Random(1).nextBytes(data);
        System.out.printf("message %d bytes, %d trials per cell; share of messages recovered%n", size, trials);
        System.out.printf("%-9s", "overhead");
        for (double p : losses) System.out.printf(" %6.0f%%", p * 100);
        System.out.println();
        for (double overhead : overheads) {
            List<byte[]> packets = FecEncoder.encode(data, overhead, new Random(2));
            List<byte[]> datagrams = new ArrayList<>();
            for (int i = 0; i < packets.size(); i++) datagrams.add(new BlockstreamPacket(i < packets.size() - 1, 1, i, 0, packets.get(i)).encode());
            System.out.printf("%-9s", (int) Math.round(overhead * 100) + " %");
            for (double p : losses) {
                Random r = new Random(Double.doubleToLongBits(p) ^ Double.doubleToLongBits(overhead));
                int ok = 0;
                for (int t = 0; t < trials; t++) {
                    Reassembler re = new Reassembler(Reassembler.DEFAULT_EXPIRY_MILLIS, Reassembler.DEFAULT_MAX_PENDING_BYTES, new ReceiverStats());
                    boolean got = false;
                    for (byte[] d : datagrams) {
                        if (r.nextDouble() < p) continue;
                        try {
                            if (re.accept(BlockstreamPacket.parse(d, 0, d.length), 0).isPresent()) { got = true; break; }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    if (got) ok++;
                }
                System.out.printf(" %6.1f%%", 100.0 * ok / trials);
            }
            System.out.println();
        }
    }
}
