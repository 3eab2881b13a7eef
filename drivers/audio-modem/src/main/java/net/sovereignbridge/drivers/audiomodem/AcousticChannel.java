package net.sovereignbridge.drivers.audiomodem;

import java.util.Random;

/**
 * A simulated room between a speaker and a microphone, for tests and benchmarks (48 kHz samples).
 *
 * <p>Applied in this order: a speaker/microphone roll-off (a one-pole low-pass at {@code rollOffHz}, 0 for
 * none), echoes (each a delay in samples and a gain, added to the direct path), a sample-clock mismatch
 * between the two sound cards ({@code clockPpm}: the receiver's clock runs that many parts per million fast,
 * band-limited interpolation), then Gaussian noise. The noise is specified as the signal-to-noise ratio
 * <em>within the band</em> [{@code bandLowHz}, {@code bandHighHz}]: white noise has its variance scaled so
 * that its power in the band is the signal's power over {@code snrDb}; coloured (pink-ish, -3 dB/octave
 * from one-pole filtered white noise) noise is scaled the same way by measuring its in-band share. Noise
 * outside the band then adds to the total, as in a real room. A seed makes every run repeatable.
 */
public final class AcousticChannel {
    public record Echo(int delaySamples, double gain) {
    }

    public enum Noise {
        WHITE,
        PINK
    }

    private final double snrDb;
    private final double bandLowHz;
    private final double bandHighHz;
    private final Noise noise;
    private final Echo[] echoes;
    private final double clockPpm;
    private final double rollOffHz;
    private final long seed;

    public AcousticChannel(double snrDb, double bandLowHz, double bandHighHz, Noise noise, Echo[] echoes, double clockPpm,
                           double rollOffHz, long seed) {
        if (!(bandLowHz >= 0 && bandHighHz > bandLowHz && bandHighHz <= 24_000)) {
            throw new IllegalArgumentException("band " + bandLowHz + "-" + bandHighHz + " Hz is not inside 0-24000 Hz");
        }
        this.snrDb = snrDb;
        this.bandLowHz = bandLowHz;
        this.bandHighHz = bandHighHz;
        this.noise = noise;
        this.echoes = echoes.clone();
        this.clockPpm = clockPpm;
        this.rollOffHz = rollOffHz;
        this.seed = seed;
    }

    /** Only noise: the SNR in the band, white, no echo, matched clocks. */
    public static AcousticChannel noiseOnly(double snrDb, double bandLowHz, double bandHighHz, long seed) {
        return new AcousticChannel(snrDb, bandLowHz, bandHighHz, Noise.WHITE, new Echo[0], 0, 0, seed);
    }

    /**
     * What the microphone records of {@code signal}. The SNR is measured against the signal's average power
     * over its non-silent part (samples above 1/1000 of its peak), so leading silence does not change it.
     */
    public float[] apply(float[] signal) {
        double[] x = new double[signal.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = signal[i];
        }
        if (rollOffHz > 0) {
            double a = Math.exp(-2 * Math.PI * rollOffHz / 48_000.0);
            double y = 0;
            for (int i = 0; i < x.length; i++) {
                y = (1 - a) * x[i] + a * y;
                x[i] = y;
            }
        }
        int longest = 0;
        for (Echo e : echoes) {
            longest = Math.max(longest, e.delaySamples());
        }
        double[] withEcho = new double[x.length + longest];
        for (int i = 0; i < x.length; i++) {
            withEcho[i] += x[i];
            for (Echo e : echoes) {
                withEcho[i + e.delaySamples()] += e.gain() * x[i];
            }
        }
        double[] resampled = clockPpm == 0 ? withEcho : resample(withEcho, 1 + clockPpm * 1e-6);
        double signalPower = activePower(resampled);
        Random rnd = new Random(seed);
        double[] n = new double[resampled.length];
        double state = 0;
        double pinkPole = Math.exp(-2 * Math.PI * 1000 / 48_000.0);
        for (int i = 0; i < n.length; i++) {
            double g = rnd.nextGaussian();
            if (noise == Noise.PINK) {
                state = pinkPole * state + (1 - pinkPole) * g;
                n[i] = state + 0.1 * g;
            } else {
                n[i] = g;
            }
        }
        double noiseInBand = bandPower(n);
        double wanted = signalPower / Math.pow(10, snrDb / 10);
        double scale = noiseInBand > 0 ? Math.sqrt(wanted / noiseInBand) : 0;
        float[] out = new float[resampled.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (resampled[i] + scale * n[i]);
        }
        return out;
    }

    private static double activePower(double[] x) {
        double peak = 0;
        for (double v : x) {
            peak = Math.max(peak, Math.abs(v));
        }
        double sum = 0;
        long count = 0;
        double floor = peak / 1000;
        // Power over 1024-sample blocks whose peak is above the floor: the transmission, not the silence around it.
        for (int b = 0; b + 1024 <= x.length; b += 1024) {
            double blockPeak = 0;
            double blockSum = 0;
            for (int i = b; i < b + 1024; i++) {
                blockPeak = Math.max(blockPeak, Math.abs(x[i]));
                blockSum += x[i] * x[i];
            }
            if (blockPeak > floor) {
                sum += blockSum;
                count += 1024;
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    /** Average power of {@code x} within the band, from up to 16 1024-point DFT blocks (Parseval). */
    private double bandPower(double[] x) {
        int n = 1024;
        double[] cos = new double[n];
        double[] sin = new double[n];
        for (int i = 0; i < n; i++) {
            cos[i] = Math.cos(2 * Math.PI * i / n);
            sin[i] = Math.sin(2 * Math.PI * i / n);
        }
        int lo = (int) Math.ceil(bandLowHz * n / 48_000.0);
        int hi = (int) Math.floor(bandHighHz * n / 48_000.0);
        int stride = Math.max(n, (x.length / 16 / n) * n);
        double total = 0;
        int blocks = 0;
        for (int b = 0; b + n <= x.length && blocks < 16; b += stride, blocks++) {
            for (int k = lo; k <= hi; k++) {
                double re = 0;
                double im = 0;
                int phase = 0;
                for (int i = 0; i < n; i++) {
                    re += x[b + i] * cos[phase];
                    im -= x[b + i] * sin[phase];
                    phase = (phase + k) & (n - 1);
                }
                // one-sided: bins k and n-k both carry this band's power
                total += 2 * (re * re + im * im) / ((double) n * n);
            }
        }
        return blocks == 0 ? 0 : total / blocks;
    }

    /** Reads {@code x} with a clock {@code ratio} times as fast (windowed-sinc interpolation, 16 taps a side). */
    private static double[] resample(double[] x, double ratio) {
        int outLength = (int) Math.floor((x.length - 1) / ratio);
        double[] out = new double[outLength];
        int half = 16;
        for (int j = 0; j < outLength; j++) {
            double t = j * ratio;
            int i0 = (int) Math.floor(t);
            double frac = t - i0;
            double acc = 0;
            for (int k = -half + 1; k <= half; k++) {
                int i = i0 + k;
                if (i < 0 || i >= x.length) {
                    continue;
                }
                double d = k - frac;
                double sinc = d == 0 ? 1 : Math.sin(Math.PI * d) / (Math.PI * d);
                double window = 0.5 + 0.5 * Math.cos(Math.PI * d / half);
                acc += x[i] * sinc * window;
            }
            out[j] = acc;
        }
        return out;
    }
}
