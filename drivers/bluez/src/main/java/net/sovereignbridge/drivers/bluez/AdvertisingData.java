package net.sovereignbridge.drivers.bluez;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The size of a legacy advertisement (Core spec Vol 3 Part C 11: length-type-value structures in 31 bytes), so
 * that we refuse one that does not fit before bluetoothd does, with a reason naming what is too long.
 */
public final class AdvertisingData {
    public static final int LEGACY_LIMIT = 31;
    private static final String BASE_UUID_TAIL = "-0000-1000-8000-00805f9b34fb";

    private AdvertisingData() {
    }

    /** Flags (3 bytes, a connectable advertisement), the service UUID lists, the local name. */
    public static int legacyBytes(List<String> serviceUuids, String localName) {
        int size = 3;
        int[] widths = {2, 4, 16};
        for (int width : widths) {
            long count = serviceUuids.stream().filter(u -> uuidBytes(u) == width).count();
            if (count > 0) {
                size += 2 + width * (int) count;
            }
        }
        if (localName != null && !localName.isEmpty()) {
            size += 2 + localName.getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    /** 2 or 4 bytes for UUIDs on the Bluetooth base UUID, 16 for the others. */
    public static int uuidBytes(String uuid) {
        String lower = uuid.toLowerCase(Locale.ROOT);
        if (lower.endsWith(BASE_UUID_TAIL)) {
            return lower.startsWith("0000") ? 2 : 4;
        }
        return 16;
    }

    /** Throws with the sizes when the advertisement would not fit in a legacy PDU. */
    public static void requireLegacy(List<String> serviceUuids, String localName) {
        int size = legacyBytes(serviceUuids, localName);
        if (size > LEGACY_LIMIT) {
            throw new IllegalArgumentException("advertisement of " + size + " bytes exceeds the legacy "
                    + LEGACY_LIMIT + "-byte limit: a 128-bit service UUID leaves "
                    + (LEGACY_LIMIT - legacyBytes(serviceUuids, null) - 2) + " bytes for the local name, '"
                    + localName + "' needs " + localName.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
