package net.sovereignbridge.drivers.bluez;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The UUIDs of a GATT service with one write characteristic (write and write-without-response), one notify
 * characteristic and one read-only identity characteristic. Both roles use the same layout: the peripheral
 * serves it, the central looks for it.
 */
public record GattLayout(String serviceUuid, String writeUuid, String notifyUuid, String identityUuid) {
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public GattLayout {
        serviceUuid = checked("service", serviceUuid);
        writeUuid = checked("write", writeUuid);
        notifyUuid = checked("notify", notifyUuid);
        identityUuid = checked("identity", identityUuid);
    }

    private static String checked(String what, String uuid) {
        Objects.requireNonNull(uuid, what);
        String lower = uuid.toLowerCase(Locale.ROOT);
        if (!UUID.matcher(lower).matches()) {
            throw new IllegalArgumentException(what + " UUID '" + uuid + "' is not of the form 8-4-4-4-12 hex digits");
        }
        return lower;
    }
}
