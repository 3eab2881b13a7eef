package net.sovereignbridge.app.transport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.mesh.transport.CarriedTransport;

/**
 * Reads the daemon's transports from the configuration: first each factory's shorthand section ({@code lan:},
 * {@code lora:}), then the {@code transports:} list of {@code {type, id, ...}} sections, in that order. Ids are
 * checked here: well-formed, unique, and none of the ids the node gives its own transports.
 */
public final class TransportSections {
    /** Ids travel in endpoints ("lora1:*"), logs and status: short, lower case, no separators. */
    static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,15}");
    /** Transports the daemon adds itself: the internet overlay and the store-and-carry bundles. */
    static final List<String> RESERVED = List.of("overlay", CarriedTransport.ID);
    /** More sections than this is a mistake in the file, not a gateway. */
    static final int MAX_TRANSPORTS = 16;

    private TransportSections() {}

    /**
     * @param withoutRadios the bootstrap role: sections of factories that {@linkplain TransportFactory#drivesRadio()
     *     drive a radio} are checked but left out
     */
    public static List<TransportSettings> read(ConfigNode root, List<TransportFactory> factories,
            boolean withoutRadios) throws ConfigException {
        Map<String, TransportFactory> byType = new LinkedHashMap<>();
        for (TransportFactory f : factories) {
            if (byType.put(f.type(), f) != null) throw new IllegalArgumentException("two factories of type " + f.type());
        }
        Map<String, String> where = new LinkedHashMap<>(); // id -> the section that configured it
        List<TransportSettings> out = new ArrayList<>();
        for (TransportFactory f : factories) {
            Optional<TransportSettings> s = f.readShorthand(root.section(f.type()));
            if (s.isEmpty()) continue;
            where.put(s.get().id(), "the " + f.type() + ": section");
            if (!(withoutRadios && f.drivesRadio())) out.add(s.get());
        }
        List<ConfigNode> sections = root.sections("transports");
        if (sections.size() > MAX_TRANSPORTS) {
            throw root.invalid("transports", sections.size() + " sections; at most " + MAX_TRANSPORTS);
        }
        for (ConfigNode section : sections) {
            String type = section.string("type", null);
            if (type == null) throw section.invalid("type", "missing; one of " + String.join(", ", byType.keySet()));
            TransportFactory f = byType.get(type);
            if (f == null) {
                throw section.invalid("type", "'" + type + "' is not one of " + String.join(", ", byType.keySet()));
            }
            String id = section.string("id", null);
            if (id == null) throw section.invalid("id", "missing; a name such as " + f.shorthandId());
            if (!ID.matcher(id).matches()) {
                throw section.invalid("id", "'" + id + "' is not 1..16 of a-z, 0-9 and '-', starting with a letter");
            }
            if (RESERVED.contains(id)) throw section.invalid("id", "'" + id + "' is the node's own transport");
            if (where.containsKey(id)) throw section.invalid("id", "'" + id + "' is already used by " + where.get(id));
            where.put(id, section.path());
            TransportSettings s = f.read(id, section);
            if (!(withoutRadios && f.drivesRadio())) out.add(s);
        }
        return List.copyOf(out);
    }
}
