package net.sovereignbridge.drivers.audiomodem.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.Control;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.LineListener;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

/**
 * A room with sound cards in it, in real time: every 10 ms each card's speaker gives up the next 480 samples it
 * was handed (silence when it has none, as a real card plays silence), and each microphone records the sum of
 * every speaker in the room (its own too) with a gain, a delay and one echo, plus white noise. A speaker line
 * blocks its writer while its buffer is full, as a real one does; a microphone whose reader falls behind by more
 * than its buffer loses the oldest samples (an overrun, counted). Each card's microphone and speaker can be
 * opened once at a time: a second open is refused with LineUnavailableException, as a busy device is.
 */
public final class EmulatedRoom implements AutoCloseable {
    private static final int BLOCK = 480;
    private static final AudioFormat FORMAT = new AudioFormat(48_000f, 16, 1, true, false);

    private final List<Card> cards = new CopyOnWriteArrayList<>();
    private final double gain;
    private final int delay;
    private final int echoDelay;
    private final double echoGain;
    private final double noiseRms;
    private final Random random;
    private final Thread ticker;
    private volatile boolean open = true;
    /** The room's sound (sum of speakers) of the last samples, for delays and echo. */
    private final float[] history = new float[1 << 14];
    private long produced;

    /**
     * @param gain how loud one card hears the others (and itself), 0..1
     * @param delaySamples the direct path's delay
     * @param echoDelaySamples and echoGain one reflection
     * @param noiseRms white noise at every microphone (RMS, full scale 1.0)
     */
    public EmulatedRoom(double gain, int delaySamples, int echoDelaySamples, double echoGain, double noiseRms, long seed) {
        this.gain = gain;
        this.delay = delaySamples;
        this.echoDelay = echoDelaySamples;
        this.echoGain = echoGain;
        this.noiseRms = noiseRms;
        this.random = new Random(seed);
        this.ticker = new Thread(this::run, "emulated-room");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** Puts a sound card named {@code name} into the room (javax.sound lists it from now on). */
    public Card addCard(String name) {
        Card c = new Card(name);
        EmulatedSoundCards.register(c);
        cards.add(c);
        return c;
    }

    /** Takes a card out (unplugged): its lines stop delivering, and javax.sound no longer lists it. */
    public void removeCard(Card c) {
        cards.remove(c);
        EmulatedSoundCards.unregister(c);
        c.unplugged = true;
        synchronized (c) {
            c.notifyAll();
        }
    }

    @Override
    public void close() {
        open = false;
        for (Card c : cards) {
            removeCard(c);
        }
        ticker.interrupt();
    }

    private void run() {
        long start = System.nanoTime();
        long blocks = 0;
        float[] mix = new float[BLOCK];
        while (open) {
            long due = start + blocks * 10_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            java.util.Arrays.fill(mix, 0f);
            for (Card c : cards) {
                c.speakerBlock(mix);
            }
            synchronized (history) {
                for (int i = 0; i < BLOCK; i++) {
                    history[(int) ((produced + i) & (history.length - 1))] = mix[i];
                }
                float[] heard = new float[BLOCK];
                for (int i = 0; i < BLOCK; i++) {
                    long t = produced + i;
                    float direct = t - delay >= 0 ? history[(int) ((t - delay) & (history.length - 1))] : 0f;
                    float echo = t - echoDelay >= 0 ? history[(int) ((t - echoDelay) & (history.length - 1))] : 0f;
                    heard[i] = (float) (gain * (direct + echoGain * echo));
                }
                produced += BLOCK;
                for (Card c : cards) {
                    float[] own = heard.clone();
                    for (int i = 0; i < BLOCK; i++) {
                        own[i] += (float) (noiseRms * random.nextGaussian());
                    }
                    c.microphoneBlock(own);
                }
            }
            blocks++;
        }
    }

    /** One sound card: a javax.sound mixer with one microphone and one speaker line. */
    public final class Card {
        private final Mixer.Info info;
        private final Mixer mixer = new CardMixer();
        private final float[] speaker = new float[48_000 / 2];
        private int speakerHead;
        private int speakerCount;
        private final float[] microphone = new float[48_000 * 2];
        private int micHead;
        private int micCount;
        private volatile long overruns;
        private volatile boolean unplugged;
        private EmulatedLine micLine;
        private EmulatedLine speakerLine;

        Card(String name) {
            this.info = new Mixer.Info(name, "Sovereign Bridge test", "an emulated USB sound card", "1") {
            };
        }

        Mixer.Info info() {
            return info;
        }

        Mixer mixer() {
            return mixer;
        }

        public long overruns() {
            return overruns;
        }

        synchronized void speakerBlock(float[] mix) {
            int n = Math.min(BLOCK, speakerCount);
            for (int i = 0; i < n; i++) {
                mix[i] += speaker[(speakerHead + i) % speaker.length];
            }
            speakerHead = (speakerHead + n) % speaker.length;
            speakerCount -= n;
            notifyAll();
        }

        synchronized void microphoneBlock(float[] block) {
            if (micLine == null || !micLine.running) {
                return;
            }
            for (float v : block) {
                if (micCount == microphone.length) {
                    micHead = (micHead + 1) % microphone.length;
                    micCount--;
                    overruns++;
                }
                microphone[(micHead + micCount) % microphone.length] = v;
                micCount++;
            }
            notifyAll();
        }

        synchronized int write(byte[] b, int off, int len) {
            int samples = len / 2;
            int done = 0;
            while (done < samples) {
                while (speakerCount == speaker.length && !unplugged && speakerLine != null && speakerLine.open) {
                    try {
                        wait(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return done * 2;
                    }
                }
                if (unplugged || speakerLine == null || !speakerLine.open) {
                    return done * 2;
                }
                int i = off + 2 * done;
                float v = (short) ((b[i] & 0xff) | (b[i + 1] << 8)) / 32768f;
                speaker[(speakerHead + speakerCount) % speaker.length] = v;
                speakerCount++;
                done++;
            }
            return done * 2;
        }

        synchronized int read(byte[] b, int off, int len) {
            int samples = len / 2;
            int done = 0;
            while (done < samples) {
                while (micCount == 0 && !unplugged && micLine != null && micLine.open) {
                    try {
                        wait(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return done * 2;
                    }
                }
                if (micCount == 0) {
                    return done * 2;
                }
                int v = Math.round(Math.max(-1f, Math.min(1f, microphone[micHead])) * 32767f);
                micHead = (micHead + 1) % microphone.length;
                micCount--;
                b[off + 2 * done] = (byte) v;
                b[off + 2 * done + 1] = (byte) (v >> 8);
                done++;
            }
            return done * 2;
        }

        private final class CardMixer implements Mixer {
            private final DataLine.Info micInfo = new DataLine.Info(TargetDataLine.class, FORMAT);
            private final DataLine.Info speakerInfo = new DataLine.Info(SourceDataLine.class, FORMAT);

            @Override public Info getMixerInfo() { return info; }
            @Override public Line.Info[] getSourceLineInfo() { return new Line.Info[] {speakerInfo}; }
            @Override public Line.Info[] getTargetLineInfo() { return new Line.Info[] {micInfo}; }
            @Override public Line.Info[] getSourceLineInfo(Line.Info i) { return speakerInfo.matches(i) ? getSourceLineInfo() : new Line.Info[0]; }
            @Override public Line.Info[] getTargetLineInfo(Line.Info i) { return micInfo.matches(i) ? getTargetLineInfo() : new Line.Info[0]; }
            @Override public boolean isLineSupported(Line.Info i) { return micInfo.matches(i) || speakerInfo.matches(i); }

            @Override
            public Line getLine(Line.Info i) throws LineUnavailableException {
                if (unplugged) throw new LineUnavailableException(info.getName() + " was unplugged");
                if (micInfo.matches(i)) return new EmulatedLine(true);
                if (speakerInfo.matches(i)) return new EmulatedLine(false);
                throw new IllegalArgumentException("line not supported: " + i);
            }

            @Override public int getMaxLines(Line.Info i) { return isLineSupported(i) ? 1 : 0; }
            @Override public Line[] getSourceLines() { return new Line[0]; }
            @Override public Line[] getTargetLines() { return new Line[0]; }
            @Override public void synchronize(Line[] lines, boolean maintainSync) { throw new IllegalArgumentException("no synchronization"); }
            @Override public void unsynchronize(Line[] lines) { }
            @Override public boolean isSynchronizationSupported(Line[] lines, boolean maintainSync) { return false; }
            @Override public Line.Info getLineInfo() { return new Line.Info(Mixer.class); }
            @Override public void open() { }
            @Override public void close() { }
            @Override public boolean isOpen() { return true; }
            @Override public Control[] getControls() { return new Control[0]; }
            @Override public boolean isControlSupported(Control.Type t) { return false; }
            @Override public Control getControl(Control.Type t) { throw new IllegalArgumentException("no controls"); }
            @Override public void addLineListener(LineListener l) { }
            @Override public void removeLineListener(LineListener l) { }
        }

        /** The microphone (a TargetDataLine) or the speaker (a SourceDataLine) of this card. */
        private final class EmulatedLine implements TargetDataLine, SourceDataLine {
            private final boolean isMicrophone;
            private volatile boolean open;
            private volatile boolean running;
            private int bufferBytes = 9600;
            private long frames;

            EmulatedLine(boolean isMicrophone) {
                this.isMicrophone = isMicrophone;
            }

            @Override
            public void open(AudioFormat format, int bufferSize) throws LineUnavailableException {
                if (!format.matches(FORMAT)) throw new IllegalArgumentException("format " + format + " not supported");
                synchronized (Card.this) {
                    if (unplugged) throw new LineUnavailableException(info.getName() + " was unplugged");
                    if (isMicrophone ? micLine != null : speakerLine != null) {
                        throw new LineUnavailableException("Device or resource busy: " + info.getName());
                    }
                    if (isMicrophone) micLine = this; else speakerLine = this;
                    open = true;
                    bufferBytes = Math.max(960, bufferSize);
                }
            }

            @Override public void open(AudioFormat format) throws LineUnavailableException { open(format, 9600); }
            @Override public void open() throws LineUnavailableException { open(FORMAT, 9600); }

            @Override
            public void close() {
                synchronized (Card.this) {
                    open = false;
                    running = false;
                    if (isMicrophone && micLine == this) micLine = null;
                    if (!isMicrophone && speakerLine == this) speakerLine = null;
                    Card.this.notifyAll();
                }
            }

            @Override public int read(byte[] b, int off, int len) { if (!open) return 0; int n = Card.this.read(b, off, len); frames += n / 2; return n; }
            @Override public int write(byte[] b, int off, int len) { if (!open) return 0; int n = Card.this.write(b, off, len); frames += n / 2; return n; }
            @Override public void drain() { }
            @Override public void flush() { }
            @Override public void start() { running = true; }
            @Override public void stop() { running = false; }
            @Override public boolean isRunning() { return running; }
            @Override public boolean isActive() { return running; }
            @Override public AudioFormat getFormat() { return FORMAT; }
            @Override public int getBufferSize() { return bufferBytes; }
            @Override public int available() { synchronized (Card.this) { return isMicrophone ? micCount * 2 : (speaker.length - speakerCount) * 2; } }
            @Override public int getFramePosition() { return (int) frames; }
            @Override public long getLongFramePosition() { return frames; }
            @Override public long getMicrosecondPosition() { return frames * 1_000_000L / 48_000; }
            @Override public float getLevel() { return AudioSystem_NOT_SPECIFIED; }
            @Override public Line.Info getLineInfo() { return new DataLine.Info(isMicrophone ? TargetDataLine.class : SourceDataLine.class, FORMAT); }
            @Override public boolean isOpen() { return open; }
            @Override public Control[] getControls() { return new Control[0]; }
            @Override public boolean isControlSupported(Control.Type t) { return false; }
            @Override public Control getControl(Control.Type t) { throw new IllegalArgumentException("no controls"); }
            @Override public void addLineListener(LineListener l) { }
            @Override public void removeLineListener(LineListener l) { }
        }
    }

    private static final float AudioSystem_NOT_SPECIFIED = -1f;

    /** The cards in the room now. */
    public List<Card> cards() {
        return new ArrayList<>(cards);
    }
}
