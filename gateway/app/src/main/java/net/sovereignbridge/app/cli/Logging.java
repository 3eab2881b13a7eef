package net.sovereignbridge.app.cli;

/** slf4j-simple settings; must run before the first logger is created. Logs go to stderr (journald). */
public final class Logging {
    private Logging() {}

    public static void configure(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        // Pi4J reports board detection at INFO on every start; keep its warnings only.
        System.setProperty("org.slf4j.simpleLogger.log.com.pi4j", "warn");
        // Californium logs every observe relation and unknown path at INFO: lines any client can trigger.
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.californium", "warn");
    }
}
