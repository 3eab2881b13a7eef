package net.sovereignbridge.drivers.audiomodem;

import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

/**
 * A sound card opened through {@code javax.sound.sampled} by (part of) its mixer name, at 48 kHz, 16-bit signed
 * little-endian mono: its microphone as a {@link TargetDataLine} and its speaker as a {@link SourceDataLine}.
 * Every way this can fail is a {@link SoundCardException} whose message says what to do.
 */
public final class SoundCard implements AutoCloseable {
    public static final AudioFormat FORMAT = new AudioFormat(GgwaveProtocol.SAMPLE_RATE, 16, 1, true, false);

    /** Why a sound card cannot be used. */
    public static final class SoundCardException extends Exception {
        public enum Reason { MISSING, UNSUPPORTED_FORMAT, BUSY, FAILED }

        private final Reason reason;

        public SoundCardException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private final String name;
    private final TargetDataLine microphone;
    private final SourceDataLine speaker;

    private SoundCard(String name, TargetDataLine microphone, SourceDataLine speaker) {
        this.name = name;
        this.microphone = microphone;
        this.speaker = speaker;
    }

    /** The mixers javax.sound knows, by name (what {@code device} may name). */
    public static List<String> mixerNames() {
        List<String> names = new ArrayList<>();
        for (Mixer.Info i : AudioSystem.getMixerInfo()) {
            names.add(i.getName());
        }
        return names;
    }

    /**
     * Opens the first mixer whose name contains {@code device} and that has both a microphone and a speaker line in
     * {@link #FORMAT}; the lines are started.
     */
    public static SoundCard open(String device, int bufferMillis) throws SoundCardException {
        DataLine.Info micInfo = new DataLine.Info(TargetDataLine.class, FORMAT);
        DataLine.Info speakerInfo = new DataLine.Info(SourceDataLine.class, FORMAT);
        List<String> seen = new ArrayList<>();
        Mixer.Info match = null;
        for (Mixer.Info i : AudioSystem.getMixerInfo()) {
            seen.add(i.getName());
            if (match == null && i.getName().contains(device)) {
                Mixer m = AudioSystem.getMixer(i);
                if (m.isLineSupported(micInfo) && m.isLineSupported(speakerInfo)) {
                    match = i;
                } else if (m.getTargetLineInfo().length > 0 || m.getSourceLineInfo().length > 0) {
                    throw new SoundCardException(SoundCardException.Reason.UNSUPPORTED_FORMAT, "sound card '" + i.getName()
                            + "' cannot record and play 48 kHz 16-bit mono; the modem needs that (a USB card usually can; "
                            + "check `arecord --dump-hw-params -D hw:CARD`)");
                }
            }
        }
        if (match == null) {
            throw new SoundCardException(SoundCardException.Reason.MISSING, "no sound card named '" + device + "' ("
                    + (seen.isEmpty() ? "this machine has none: plug in a USB sound card" : "there are: " + String.join(", ", seen))
                    + ")");
        }
        Mixer mixer = AudioSystem.getMixer(match);
        int bytes = FORMAT.getFrameSize() * (int) (FORMAT.getSampleRate() * bufferMillis / 1000);
        TargetDataLine mic = null;
        try {
            mic = (TargetDataLine) mixer.getLine(micInfo);
            mic.open(FORMAT, bytes);
            SourceDataLine spk = (SourceDataLine) mixer.getLine(speakerInfo);
            spk.open(FORMAT, bytes);
            mic.start();
            spk.start();
            return new SoundCard(match.getName(), mic, spk);
        } catch (LineUnavailableException e) {
            if (mic != null) mic.close();
            throw new SoundCardException(SoundCardException.Reason.BUSY, "sound card '" + match.getName()
                    + "' is in use by another program (" + e.getMessage() + "); stop it, or give the gateway its own card");
        } catch (RuntimeException e) {
            if (mic != null) mic.close();
            throw new SoundCardException(SoundCardException.Reason.FAILED, "sound card '" + match.getName() + "': " + e);
        }
    }

    public String name() {
        return name;
    }

    /** Blocks until {@code out.length} samples are recorded; returns how many were (fewer when the card was closed). */
    public int record(float[] out) {
        byte[] b = new byte[out.length * 2];
        int got = 0;
        while (got < b.length) {
            int r = microphone.read(b, got, b.length - got);
            if (r <= 0) {
                break;
            }
            got += r;
        }
        int samples = got / 2;
        for (int i = 0; i < samples; i++) {
            out[i] = (short) ((b[2 * i] & 0xff) | (b[2 * i + 1] << 8)) / 32768f;
        }
        return samples;
    }

    /** Plays {@code samples} and returns when the last of them has been handed to the card. */
    public void play(float[] samples) {
        byte[] b = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            int v = Math.round(Math.max(-1f, Math.min(1f, samples[i])) * 32767f);
            b[2 * i] = (byte) v;
            b[2 * i + 1] = (byte) (v >> 8);
        }
        int done = 0;
        while (done < b.length && speaker.isOpen()) {
            done += speaker.write(b, done, b.length - done);
        }
    }

    @Override
    public void close() {
        microphone.close();
        speaker.close();
    }
}
