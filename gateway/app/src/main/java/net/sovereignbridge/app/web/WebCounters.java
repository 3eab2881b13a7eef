package net.sovereignbridge.app.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What the web server answered, by response class, and how many requests it refused for want of the token. */
public final class WebCounters {
    private static final String[] CLASSES = {"2xx", "3xx", "4xx", "5xx"};
    private final AtomicLong[] byClass = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()};
    private final AtomicLong unauthorized = new AtomicLong();

    void answered(int code) {
        int i = code / 100 - 2;
        if (i >= 0 && i < byClass.length) byClass[i].incrementAndGet();
    }

    void unauthorizedRequest() {
        unauthorized.incrementAndGet();
    }

    public Map<String, Long> byClass() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < CLASSES.length; i++) out.put(CLASSES[i], byClass[i].get());
        return out;
    }

    public long unauthorized() {
        return unauthorized.get();
    }
}
