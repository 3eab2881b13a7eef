package org.bluez;

import java.util.Map;
import java.util.function.Function;
import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * BlueZ's D-Bus error names (org.bluez.Error.*, doc/*-api.txt) as dbus-java exception classes. dbus-java names an
 * error reply after the exception's class (with '$' as '.') and turns a received error into the class of that
 * name, so these classes are how we send BlueZ's errors as a GATT server and tell them apart as a client;
 * an error without a class arrives nameless. Hence this package, which is BlueZ's namespace, not ours.
 */
@SuppressWarnings("checkstyle:all")
public final class Error {
    private Error() {
    }

    /** The exception for an org.bluez.Error name; unknown names become Failed. */
    public static DBusExecutionException of(String name, String message) {
        Function<String, DBusExecutionException> make = BY_NAME.get(name);
        return make == null ? new Failed(message) : make.apply(message);
    }

    private static final Map<String, Function<String, DBusExecutionException>> BY_NAME = Map.ofEntries(
            Map.entry("org.bluez.Error.Failed", Failed::new),
            Map.entry("org.bluez.Error.InProgress", InProgress::new),
            Map.entry("org.bluez.Error.NotPermitted", NotPermitted::new),
            Map.entry("org.bluez.Error.NotAuthorized", NotAuthorized::new),
            Map.entry("org.bluez.Error.NotSupported", NotSupported::new),
            Map.entry("org.bluez.Error.NotReady", NotReady::new),
            Map.entry("org.bluez.Error.NotAvailable", NotAvailable::new),
            Map.entry("org.bluez.Error.NotConnected", NotConnected::new),
            Map.entry("org.bluez.Error.AlreadyConnected", AlreadyConnected::new),
            Map.entry("org.bluez.Error.AlreadyExists", AlreadyExists::new),
            Map.entry("org.bluez.Error.DoesNotExist", DoesNotExist::new),
            Map.entry("org.bluez.Error.InvalidArguments", InvalidArguments::new),
            Map.entry("org.bluez.Error.InvalidLength", InvalidLength::new),
            Map.entry("org.bluez.Error.InvalidValueLength", InvalidValueLength::new),
            Map.entry("org.bluez.Error.InvalidOffset", InvalidOffset::new));

    public static final class Failed extends DBusExecutionException {
        public Failed(String message) {
            super(message);
        }
    }

    public static final class InProgress extends DBusExecutionException {
        public InProgress(String message) {
            super(message);
        }
    }

    public static final class NotPermitted extends DBusExecutionException {
        public NotPermitted(String message) {
            super(message);
        }
    }

    public static final class NotAuthorized extends DBusExecutionException {
        public NotAuthorized(String message) {
            super(message);
        }
    }

    public static final class NotSupported extends DBusExecutionException {
        public NotSupported(String message) {
            super(message);
        }
    }

    public static final class NotReady extends DBusExecutionException {
        public NotReady(String message) {
            super(message);
        }
    }

    public static final class NotAvailable extends DBusExecutionException {
        public NotAvailable(String message) {
            super(message);
        }
    }

    public static final class NotConnected extends DBusExecutionException {
        public NotConnected(String message) {
            super(message);
        }
    }

    public static final class AlreadyConnected extends DBusExecutionException {
        public AlreadyConnected(String message) {
            super(message);
        }
    }

    public static final class AlreadyExists extends DBusExecutionException {
        public AlreadyExists(String message) {
            super(message);
        }
    }

    public static final class DoesNotExist extends DBusExecutionException {
        public DoesNotExist(String message) {
            super(message);
        }
    }

    public static final class InvalidArguments extends DBusExecutionException {
        public InvalidArguments(String message) {
            super(message);
        }
    }

    public static final class InvalidLength extends DBusExecutionException {
        public InvalidLength(String message) {
            super(message);
        }
    }

    public static final class InvalidValueLength extends DBusExecutionException {
        public InvalidValueLength(String message) {
            super(message);
        }
    }

    public static final class InvalidOffset extends DBusExecutionException {
        public InvalidOffset(String message) {
            super(message);
        }
    }

}
