package net.sovereignbridge.drivers.bluez;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.Variant;

/** Reads typed values out of BlueZ's property maps, tolerating absent keys and unexpected types. */
public final class Variants {
    private Variants() {
    }

    public static String string(Map<String, Variant<?>> props, String key, String absent) {
        Object v = value(props, key);
        if (v instanceof DBusPath) {
            return ((DBusPath) v).getPath();
        }
        return v == null ? absent : v.toString();
    }

    public static boolean bool(Map<String, Variant<?>> props, String key, boolean absent) {
        Object v = value(props, key);
        return v instanceof Boolean ? (Boolean) v : absent;
    }

    public static int integer(Map<String, Variant<?>> props, String key, int absent) {
        Object v = value(props, key);
        return v instanceof Number ? ((Number) v).intValue() : absent;
    }

    public static byte[] bytes(Map<String, Variant<?>> props, String key) {
        Object v = value(props, key);
        if (v instanceof byte[]) {
            return (byte[]) v;
        }
        if (v instanceof List<?>) {
            List<?> list = (List<?>) v;
            byte[] out = new byte[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) list.get(i)).byteValue();
            }
            return out;
        }
        return null;
    }

    public static List<String> strings(Map<String, Variant<?>> props, String key) {
        Object v = value(props, key);
        List<String> out = new ArrayList<>();
        if (v instanceof Object[]) {
            for (Object o : (Object[]) v) {
                out.add(o.toString());
            }
        } else if (v instanceof List<?>) {
            for (Object o : (List<?>) v) {
                out.add(o.toString());
            }
        }
        return out;
    }

    private static Object value(Map<String, Variant<?>> props, String key) {
        if (props == null) {
            return null;
        }
        Variant<?> v = props.get(key);
        return v == null ? null : v.getValue();
    }
}
