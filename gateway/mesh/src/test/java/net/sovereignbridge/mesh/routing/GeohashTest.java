package net.sovereignbridge.mesh.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import net.sovereignbridge.mesh.frame.DecodeError;
import net.sovereignbridge.mesh.frame.Decoded;
import net.sovereignbridge.mesh.frame.FrameCodec;
import net.sovereignbridge.mesh.frame.FrameType;
import net.sovereignbridge.mesh.frame.MeshFrame;
import net.sovereignbridge.mesh.identity.MeshAddress;
import net.sovereignbridge.mesh.node.AnnounceBody;
import org.junit.jupiter.api.Test;

class GeohashTest {
    @Test
    void encodesTheReferenceExample() {
        // The example of the scheme's original description: 57.64911 N, 10.40744 E.
        assertEquals("u4pruydqqvj", Geohash.encode(57.64911, 10.40744, 11));
        double[] c = Geohash.centre("u4pruydqqvj");
        assertEquals(57.64911, c[0], 1e-5);
        assertEquals(10.40744, c[1], 1e-5);
        assertTrue("u4pruydqqvj".startsWith(Geohash.encode(57.64911, 10.40744, 5)));
    }

    @Test
    void distancesBetweenCells() {
        // One degree of latitude is about 111.2 km.
        assertEquals(111.2, Geohash.distanceKm(Geohash.encode(48, 11, 9), Geohash.encode(49, 11, 9)), 0.2);
        assertEquals(0, Geohash.distanceKm("u0vxkq", "u0vxkq"), 1e-9);
    }

    @Test
    void rejectsWhatIsNotAGeohash() {
        assertFalse(Geohash.isValid(""));
        assertFalse(Geohash.isValid("u0vxkqu0vxkq1"));
        assertFalse(Geohash.isValid("u0vxa")); // 'a' is not in the alphabet
        assertFalse(Geohash.isValid("U0VX"));
        assertThrows(IllegalArgumentException.class, () -> Geohash.encode(91, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> AnnounceBody.positionExtension("ilo"));
    }

    @Test
    void frameRegionsAreCheckedOnDecode() {
        MeshAddress a = MeshAddress.of(new byte[16], 0);
        byte[] ok = FrameCodec.encode(new MeshFrame(FrameType.DATA, 0, 8, 0, a, a, 7, new byte[] {1, 2}, "u0vx"));
        assertEquals("u0vx", FrameCodec.decode(ok).value().region());
        assertEquals("u0vx", FrameCodec.region(ok));
        int at = MeshFrame.ADDRESSED_HEADER_LENGTH;
        byte[] empty = ok.clone();
        empty[at] = 0;
        assertEquals(DecodeError.MALFORMED_PAYLOAD, ((Decoded.Error<MeshFrame>) FrameCodec.decode(empty)).reason());
        byte[] tooLong = ok.clone();
        tooLong[at] = 13;
        assertEquals(DecodeError.MALFORMED_PAYLOAD, ((Decoded.Error<MeshFrame>) FrameCodec.decode(tooLong)).reason());
        byte[] overrun = ok.clone();
        overrun[at] = 12; // 12 characters claimed, 4 + 2 bytes follow
        assertEquals(DecodeError.TRUNCATED, ((Decoded.Error<MeshFrame>) FrameCodec.decode(overrun)).reason());
        byte[] badChar = ok.clone();
        badChar[at + 1] = 'a';
        assertEquals(DecodeError.MALFORMED_PAYLOAD, ((Decoded.Error<MeshFrame>) FrameCodec.decode(badChar)).reason());
        assertNull(FrameCodec.region(badChar));
        byte[] cut = HexFormat.of().parseHex(HexFormat.of().formatHex(ok).substring(0, 2 * at));
        assertEquals(DecodeError.TRUNCATED, ((Decoded.Error<MeshFrame>) FrameCodec.decode(cut)).reason());
    }
}
