package net.sovereignbridge.app.transport;

import java.util.Optional;
import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;
import net.sovereignbridge.mesh.transport.Transport;

/**
 * One kind of transport ("lan", "lora"): reads and checks its own configuration section, and the settings it
 * returns bring the transport up or say why not. The daemon knows transports only through this interface and the
 * one list in {@link TransportFactories}; docs/adding-a-transport.md walks through writing one.
 */
public interface TransportFactory {
    /** The {@code type} of its sections in {@code transports:}, and the key of its shorthand section ({@code lan:}). */
    String type();

    /**
     * Reads one {@code transports:} entry (its {@code type} and {@code id} are read already). Every key it knows is
     * read here, so that the caller can refuse the rest as unknown; a bad value fails with {@link
     * ConfigNode#invalid}, naming file, line and key.
     */
    TransportSettings read(String id, ConfigNode section) throws ConfigException;

    /**
     * Reads the shorthand top-level section ({@code lan:}, {@code lora:}; empty when absent), which configures one
     * transport with the id {@link #shorthandId()}.
     *
     * @return empty when the section asks for no transport ({@code lan.enabled: false}, no {@code lora.board})
     */
    Optional<TransportSettings> readShorthand(ConfigNode section) throws ConfigException;

    /**
     * {@link #readShorthand} of a kind that is configured only as a {@code transports:} entry ({@code kiss:},
     * {@code ble:}, ...): an empty section asks for nothing; one holding any of {@code keys} is told how the kind
     * is configured ({@code howTo}, reported at the first key); any other key is unknown.
     */
    static Optional<TransportSettings> listEntryOnly(ConfigNode section, String howTo, String... keys)
            throws ConfigException {
        for (String key : keys) {
            if (section.has(key)) throw section.invalid(keys[0], howTo);
        }
        section.rejectUnknownKeys();
        return Optional.empty();
    }

    /** The id of the transport the shorthand section configures ("lan", "lora0"). */
    String shorthandId();

    /**
     * Drives a radio on this machine. The bootstrap role (a DHT seed on a server) checks such sections but starts
     * none of them.
     */
    default boolean drivesRadio() {
        return false;
    }

    /** What bringing a transport up gave: a transport to hand to the node, or the reason there is none. */
    sealed interface Outcome permits Up, Down {}

    /**
     * The transport is built, not started (the node starts it). Close {@code resources} after the node has stopped
     * it: buses, drivers, whatever the transport ran on.
     */
    record Up(Transport transport, AutoCloseable resources) implements Outcome {
        public static Up of(Transport transport) {
            return new Up(transport, () -> { });
        }
    }

    /**
     * The transport cannot run here (hardware absent, no permission, a setting the hardware refuses); {@code
     * reason} says why and what to do. The daemon reports it as UNAVAILABLE and keeps running.
     */
    record Down(String reason) implements Outcome {}
}
