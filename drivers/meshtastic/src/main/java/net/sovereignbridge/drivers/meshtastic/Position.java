package net.sovereignbridge.drivers.meshtastic;

import java.util.OptionalInt;

/**
 * A position report, protobuf {@code meshtastic.Position} (mesh.proto), the payload of POSITION_APP; the fields
 * used here: latitude_i 1 and longitude_i 2 (optional sfixed32, degrees * 1e7), altitude 3 (optional int32, m),
 * time 4 (fixed32, unix seconds), location_source 5 (enum), ground_speed 15 (optional uint32, m/s), ground_track 16
 * (optional uint32, 1e-5 degrees), sats_in_view 19 (uint32), precision_bits 23 (uint32: how many high bits of the
 * coordinates are true; 32 = exact, 13 = the default "approximate" sharing). Other fields are skipped.
 */
public record Position(OptionalInt latitudeI, OptionalInt longitudeI, OptionalInt altitude, int time,
                       int locationSource, OptionalInt groundSpeed, OptionalInt groundTrack, int satsInView,
                       int precisionBits) {

    public static Position at(double latitude, double longitude, int altitudeMetres, int unixTime, int precisionBits) {
        return new Position(OptionalInt.of((int) Math.round(latitude * 1e7)),
                OptionalInt.of((int) Math.round(longitude * 1e7)), OptionalInt.of(altitudeMetres), unixTime, 0,
                OptionalInt.empty(), OptionalInt.empty(), 0, precisionBits);
    }

    public double latitude() {
        return latitudeI.orElse(0) / 1e7;
    }

    public double longitude() {
        return longitudeI.orElse(0) / 1e7;
    }

    public byte[] encode() {
        ProtoWriter w = new ProtoWriter();
        latitudeI.ifPresent(v -> w.fixed32Always(1, v));
        longitudeI.ifPresent(v -> w.fixed32Always(2, v));
        altitude.ifPresent(v -> w.uintAlways(3, v));
        w.fixed32(4, time).uint(5, locationSource);
        groundSpeed.ifPresent(v -> w.uintAlways(15, Integer.toUnsignedLong(v)));
        groundTrack.ifPresent(v -> w.uintAlways(16, Integer.toUnsignedLong(v)));
        return w.uint(19, satsInView).uint(23, precisionBits).toByteArray();
    }

    public static Position decode(byte[] bytes) throws MeshtasticException {
        ProtoReader r = new ProtoReader("Position", bytes);
        OptionalInt lat = OptionalInt.empty(), lon = OptionalInt.empty(), alt = OptionalInt.empty(),
                speed = OptionalInt.empty(), track = OptionalInt.empty();
        int time = 0, source = 0, sats = 0, precision = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> lat = OptionalInt.of(r.fixed32());
                case 2 -> lon = OptionalInt.of(r.fixed32());
                case 3 -> alt = OptionalInt.of(r.uint32());
                case 4 -> time = r.fixed32();
                case 5 -> source = r.uint32();
                case 15 -> speed = OptionalInt.of(r.uint32());
                case 16 -> track = OptionalInt.of(r.uint32());
                case 19 -> sats = r.uint32();
                case 23 -> precision = r.uint32();
                default -> r.skip();
            }
        }
        return new Position(lat, lon, alt, time, source, speed, track, sats, precision);
    }
}
