package net.sovereignbridge.drivers.audiomodem;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * RIFF/WAVE files: reads 16-bit PCM and 32-bit float, mono or more channels (the first channel is used),
 * writes 16-bit PCM mono. Reading is bounded: a file announcing more samples than the caller allows is
 * refused before anything is allocated for it.
 */
public final class WavFile {
    /** A WAV file that cannot be used, with what is wrong in its message. */
    public static final class FormatException extends IOException {
        public FormatException(String message) {
            super(message);
        }
    }

    /** Samples in [-1, 1] of the first channel and the file's sample rate. */
    public record Audio(float[] samples, int sampleRate) {
    }

    /** Channels a file may have (USB sound cards record 1 or 2; more is not a recording for us). */
    public static final int MAX_CHANNELS = 8;

    private WavFile() {
    }

    public static Audio read(InputStream in, long maxSamples) throws IOException {
        byte[] riff = readFully(in, 12, "RIFF header");
        ByteBuffer h = ByteBuffer.wrap(riff).order(ByteOrder.LITTLE_ENDIAN);
        if (h.getInt(0) != 0x46464952 || h.getInt(8) != 0x45564157) {
            throw new FormatException("not a WAV file (no RIFF/WAVE header)");
        }
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        while (true) {
            byte[] ch = readFully(in, 8, "chunk header");
            ByteBuffer c = ByteBuffer.wrap(ch).order(ByteOrder.LITTLE_ENDIAN);
            int id = c.getInt(0);
            long size = c.getInt(4) & 0xffffffffL;
            if (id == 0x20746d66) { // "fmt "
                if (size < 16 || size > 64) {
                    throw new FormatException("fmt chunk of " + size + " bytes");
                }
                ByteBuffer f = ByteBuffer.wrap(readFully(in, (int) size, "fmt chunk")).order(ByteOrder.LITTLE_ENDIAN);
                format = f.getShort(0) & 0xffff;
                channels = f.getShort(2) & 0xffff;
                rate = f.getInt(4);
                bits = f.getShort(14) & 0xffff;
                if (format == 0xfffe && size >= 26) { // WAVE_FORMAT_EXTENSIBLE: the sub-format's first two bytes
                    format = f.getShort(24) & 0xffff;
                }
                skip(in, size & 1);
            } else if (id == 0x61746164) { // "data"
                if (format < 0) {
                    throw new FormatException("data chunk before the fmt chunk");
                }
                boolean pcm16 = format == 1 && bits == 16;
                boolean float32 = format == 3 && bits == 32;
                if (!pcm16 && !float32 || channels < 1) {
                    throw new FormatException("unsupported sample format (format " + format + ", " + bits + " bits, "
                            + channels + " channels): use 16-bit PCM or 32-bit float");
                }
                if (channels > MAX_CHANNELS) {
                    throw new FormatException(channels + " channels; at most " + MAX_CHANNELS + " are read (the first is used)");
                }
                int frameBytes = channels * bits / 8;
                long frames = size / frameBytes;
                if (frames > maxSamples) {
                    throw new FormatException("the data holds " + frames + " samples (" + frames / Math.max(1, rate)
                            + " s), more than the " + maxSamples + " allowed");
                }
                // Grown as samples arrive: the header's size is a claim, and memory follows what the file holds.
                float[] out = new float[(int) Math.min(frames, 1 << 16)];
                byte[] buf = new byte[frameBytes * 4096];
                int done = 0;
                while (done < frames) {
                    int want = (int) Math.min(4096, frames - done);
                    int got = readUpTo(in, buf, want * frameBytes);
                    int whole = got / frameBytes;
                    if (done + whole > out.length) {
                        out = Arrays.copyOf(out, (int) Math.min(frames, Math.max(2L * out.length, done + whole)));
                    }
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, whole * frameBytes).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < whole; i++) {
                        out[done + i] = pcm16 ? b.getShort(i * frameBytes) / 32768f : b.getFloat(i * frameBytes);
                    }
                    done += whole;
                    if (got < want * frameBytes) {
                        break;
                    }
                }
                return new Audio(done == out.length ? out : Arrays.copyOf(out, done), rate);
            } else {
                if (size > 1 << 20) {
                    throw new FormatException("a '" + fourCc(id) + "' chunk of " + size + " bytes before the audio");
                }
                skip(in, size + (size & 1));
            }
        }
    }

    public static void writePcm16(OutputStream out, float[] samples, int sampleRate) throws IOException {
        int dataBytes = samples.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + dataBytes).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(sampleRate)
                .putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(dataBytes);
        for (float s : samples) {
            float clipped = Math.max(-1f, Math.min(1f, s));
            b.putShort((short) Math.round(clipped * 32767f));
        }
        out.write(b.array());
    }

    public static byte[] pcm16(float[] samples, int sampleRate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(44 + samples.length * 2);
        try {
            writePcm16(out, samples, sampleRate);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static String fourCc(int id) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            int c = (id >>> (8 * i)) & 0xff;
            s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return s.toString();
    }

    private static byte[] readFully(InputStream in, int n, String what) throws IOException {
        byte[] b = new byte[n];
        if (readUpTo(in, b, n) < n) {
            throw new FormatException("file ends inside the " + what);
        }
        return b;
    }

    private static int readUpTo(InputStream in, byte[] b, int n) throws IOException {
        int got = 0;
        while (got < n) {
            int r = in.read(b, got, n - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        return got;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("file ends inside a chunk");
                }
                s = 1;
            }
            left -= s;
        }
    }
}
