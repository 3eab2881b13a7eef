package net.sovereignbridge.app.transport.lora;

import net.sovereignbridge.mesh.transport.radio.Region;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * The daemon's LoRa settings, from flat configuration keys (whatever file format the daemon reads):
 * <pre>
 * lora.board           a bundled board name (sbridge board list) or a board YAML path; no board = no LoRa
 * lora.region          EU868 | EU433 | US915 | AS923; overrides the board file's region
 * lora.channel         index into the region's channel list (default 0; with lora.region only)
 * lora.internet-share  0..1, share of the airtime budget for traffic from the internet (default 0.25)
 * lora.lbt             true | false, listen before talk with CAD (default true)
 * </pre>
 */
public record LoraRadioConfig(String board, Optional<Region> region, int channel, double internetShare,
                              boolean listenBeforeTalk) {
    public static final String BOARD = "lora.board";
    public static final String REGION = "lora.region";
    public static final String CHANNEL = "lora.channel";
    public static final String INTERNET_SHARE = "lora.internet-share";
    public static final String LBT = "lora.lbt";

    /**
     * A bad value: {@code key} is the key without its "lora." prefix, so that a configuration reader can point at it
     * in its own section; the message is "lora.KEY: PROBLEM".
     */
    public static final class BadKey extends IllegalArgumentException {
        private final String key;
        private final String problem;

        BadKey(String prefixedKey, String problem) {
            super(prefixedKey + ": " + problem);
            this.key = prefixedKey.startsWith("lora.") ? prefixedKey.substring(5) : prefixedKey;
            this.problem = problem;
        }

        public String key() {
            return key;
        }

        public String problem() {
            return problem;
        }
    }

    /**
     * @return empty when no board is configured (LoRa not wanted)
     * @throws BadKey naming the key of a bad value
     */
    public static Optional<LoraRadioConfig> fromKeys(Map<String, String> keys) {
        String board = keys.get(BOARD);
        if (board == null || board.isBlank()) return Optional.empty();
        Optional<Region> region = Optional.empty();
        if (keys.containsKey(REGION)) {
            region = Region.parse(keys.get(REGION));
            if (region.isEmpty()) {
                throw new BadKey(REGION, "unknown region '" + keys.get(REGION)
                        + "' (EU868, EU433, US915, AS923)");
            }
        }
        int channel = parseInt(keys, CHANNEL, 0);
        double share = 0.25;
        if (keys.containsKey(INTERNET_SHARE)) {
            try {
                share = Double.parseDouble(keys.get(INTERNET_SHARE).trim());
            } catch (NumberFormatException e) {
                share = -1;
            }
            if (!(share >= 0 && share <= 1)) {
                throw new BadKey(INTERNET_SHARE, "must be a number within 0..1, got '"
                        + keys.get(INTERNET_SHARE) + "'");
            }
        }
        boolean lbt = true;
        if (keys.containsKey(LBT)) {
            String v = keys.get(LBT).trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new BadKey(LBT, "must be true or false, got '" + keys.get(LBT) + "'");
            }
            lbt = v.equals("true");
        }
        return Optional.of(new LoraRadioConfig(board.trim(), region, channel, share, lbt));
    }

    private static int parseInt(Map<String, String> keys, String key, int dflt) {
        if (!keys.containsKey(key)) return dflt;
        try {
            return Integer.parseInt(keys.get(key).trim());
        } catch (NumberFormatException e) {
            throw new BadKey(key, "must be an integer, got '" + keys.get(key) + "'");
        }
    }

    /** The node's 16-bit link id: the first two bytes of its mesh address. */
    public static int linkIdOf(MeshAddress address) {
        byte[] b = address.toBytes();
        return ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
    }

    /**
     * Loads the board and brings the radio up as transport {@code transportId} (e.g. "lora0").
     *
     * @return Up, or Down with the reason (bad board file included)
     */
    public LoraBringUp.Outcome bringUp(String transportId, MeshAddress node, LoraBringUp.BusOpener opener) {
        return bringUp(transportId, node, opener, LoraTransport.TimeSource.SYSTEM);
    }

    /** As {@link #bringUp(String, MeshAddress, LoraBringUp.BusOpener)}, the transport timing its airtime on {@code time}. */
    public LoraBringUp.Outcome bringUp(String transportId, MeshAddress node, LoraBringUp.BusOpener opener,
                                       LoraTransport.TimeSource time) {
        BoardConfigParser.Result parsed;
        try {
            parsed = BoardCatalog.load(board);
        } catch (IOException e) {
            return new LoraBringUp.Down(transportId + ": " + e.getMessage());
        }
        if (!parsed.ok()) {
            return new LoraBringUp.Down(transportId + ": board file has errors: " + parsed.errors());
        }
        BoardConfig b = parsed.config().get();
        if (b.sx126x().isPresent()) {
            return new LoraBringUp.Down(transportId + ": " + b.name() + " carries an " + b.chipName() + ": the LoRa "
                    + "transport does not drive SX126x radios yet (the board file is valid)");
        }
        LoraTransport.Options options = LoraTransport.Options.defaults().withInternetShare(internetShare)
                .withListenBeforeTalk(listenBeforeTalk);
        return LoraBringUp.bringUp(transportId, b, region, channel, linkIdOf(node), opener,
                options, time);
    }
}
