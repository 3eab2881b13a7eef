package net.sovereignbridge.drivers.rnode;

import java.util.Locale;

/** What an RNode says about itself when detected: firmware version, platform and MCU codes. */
public record RNodeInfo(int firmwareMajor, int firmwareMinor, int platform, int mcu) {
    /** "1.86": the minor number is shown with two decimal digits, as RNode's own tools do. */
    public String firmwareVersion() {
        return String.format(Locale.ROOT, "%d.%02d", firmwareMajor, firmwareMinor);
    }

    /** Compares firmware versions: negative when this one is older than {@code major.minor}. */
    public int compareFirmware(int major, int minor) {
        return firmwareMajor != major ? Integer.compare(firmwareMajor, major) : Integer.compare(firmwareMinor, minor);
    }

    @Override
    public String toString() {
        return "RNode firmware " + firmwareVersion() + " on " + RNodeCommand.platformName(platform)
                + String.format(Locale.ROOT, " (MCU 0x%02x)", mcu);
    }
}
