package net.sovereignbridge.drivers.kiss;

import java.io.IOException;

/**
 * An audio cable between two direwolfs started with {@link Direwolf#startWithAudioOut}: what either one's
 * transmitter sends is played into the other's receiver, in real time, as if their radios shared a channel. Nothing
 * of ours is in the path: direwolf modulates AFSK, direwolf demodulates it.
 */
public final class AudioCable implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    public AudioCable(Direwolf a, Direwolf b) {
        thread = new Thread(() -> {
            try {
                while (running) {
                    b.play(a.takeTransmittedAudio());
                    a.play(b.takeTransmittedAudio());
                    Thread.sleep(20);
                }
            } catch (IOException | InterruptedException e) {
                // closed
            }
        }, "direwolf-audio-cable");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2_000);
    }
}
