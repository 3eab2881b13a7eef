package net.sovereignbridge.mesh.routing;

/**
 * Geohash cells (the public-domain scheme by G. Niemeyer): base-32 characters that interleave longitude and
 * latitude bisections, longitude first; every character adds 5 bits, so a prefix is the enclosing cell
 * (5 characters about 4.9 x 4.9 km, 7 about 153 x 153 m). Used for positions in announces and for the
 * region a frame is addressed to (docs/routing.md, "Geographic routing").
 */
public final class Geohash {
    public static final String ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";
    public static final int MAX_LENGTH = 12;
    private static final double EARTH_RADIUS_KM = 6371.0088;

    private Geohash() {}

    /** True for 1..12 characters of the geohash alphabet (lower case). */
    public static boolean isValid(String hash) {
        if (hash == null || hash.isEmpty() || hash.length() > MAX_LENGTH) return false;
        for (int i = 0; i < hash.length(); i++) {
            if (ALPHABET.indexOf(hash.charAt(i)) < 0) return false;
        }
        return true;
    }

    public static String encode(double latitude, double longitude, int length) {
        if (length < 1 || length > MAX_LENGTH) throw new IllegalArgumentException("geohash length must be 1..12");
        if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("latitude/longitude out of range: " + latitude + ", " + longitude);
        }
        double[] lat = {-90, 90};
        double[] lon = {-180, 180};
        StringBuilder sb = new StringBuilder(length);
        boolean even = true;
        int bit = 0;
        int ch = 0;
        while (sb.length() < length) {
            double[] range = even ? lon : lat;
            double value = even ? longitude : latitude;
            double mid = (range[0] + range[1]) / 2;
            ch <<= 1;
            if (value >= mid) {
                ch |= 1;
                range[0] = mid;
            } else {
                range[1] = mid;
            }
            even = !even;
            if (++bit == 5) {
                sb.append(ALPHABET.charAt(ch));
                bit = 0;
                ch = 0;
            }
        }
        return sb.toString();
    }

    /** Centre of the cell: {latitude, longitude}. */
    public static double[] centre(String hash) {
        if (!isValid(hash)) throw new IllegalArgumentException("not a geohash: '" + hash + "'");
        double[] lat = {-90, 90};
        double[] lon = {-180, 180};
        boolean even = true;
        for (int i = 0; i < hash.length(); i++) {
            int cd = ALPHABET.indexOf(hash.charAt(i));
            for (int mask = 16; mask > 0; mask >>= 1) {
                double[] range = even ? lon : lat;
                double mid = (range[0] + range[1]) / 2;
                if ((cd & mask) != 0) range[0] = mid;
                else range[1] = mid;
                even = !even;
            }
        }
        return new double[] {(lat[0] + lat[1]) / 2, (lon[0] + lon[1]) / 2};
    }

    /** Great-circle distance between the centres of two cells, in kilometres (haversine). */
    public static double distanceKm(String a, String b) {
        double[] p = centre(a);
        double[] q = centre(b);
        double dLat = Math.toRadians(q[0] - p[0]);
        double dLon = Math.toRadians(q[1] - p[1]);
        double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(p[0])) * Math.cos(Math.toRadians(q[0])) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
