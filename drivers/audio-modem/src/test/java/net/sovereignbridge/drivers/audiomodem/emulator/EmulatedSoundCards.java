package net.sovereignbridge.drivers.audiomodem.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.spi.MixerProvider;

/**
 * Sound cards for machines without one, seen by {@code javax.sound.sampled} as any other card: this provider is
 * registered in META-INF/services, so {@code AudioSystem.getMixerInfo()} lists every card of every open
 * {@link EmulatedRoom}. Cards exist while their room is open.
 */
public final class EmulatedSoundCards extends MixerProvider {
    private static final Map<String, EmulatedRoom.Card> CARDS = new ConcurrentHashMap<>();

    static void register(EmulatedRoom.Card card) {
        if (CARDS.putIfAbsent(card.info().getName(), card) != null) {
            throw new IllegalArgumentException("a sound card named " + card.info().getName() + " exists already");
        }
    }

    static void unregister(EmulatedRoom.Card card) {
        CARDS.remove(card.info().getName(), card);
    }

    @Override
    public Mixer.Info[] getMixerInfo() {
        List<Mixer.Info> infos = new ArrayList<>();
        for (EmulatedRoom.Card c : CARDS.values()) {
            infos.add(c.info());
        }
        return infos.toArray(new Mixer.Info[0]);
    }

    @Override
    public Mixer getMixer(Mixer.Info info) {
        EmulatedRoom.Card c = info == null ? null : CARDS.get(info.getName());
        if (c == null || c.info() != info) {
            throw new IllegalArgumentException("no emulated sound card " + (info == null ? null : info.getName()));
        }
        return c.mixer();
    }
}
