package net.sovereignbridge.mesh.frame;

import java.util.function.Function;

/**
 * Result of decoding untrusted bytes: a value, or a typed error with a human-readable detail. Decoders of
 * network input return this instead of throwing, so hostile bytes can never unwind a receive loop.
 */
public sealed interface Decoded<T> {
    record Ok<T>(T value) implements Decoded<T> {}

    record Error<T>(DecodeError reason, String detail) implements Decoded<T> {}

    static <T> Decoded<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Decoded<T> error(DecodeError reason, String detail) {
        return new Error<>(reason, detail);
    }

    default boolean isOk() {
        return this instanceof Ok<T>;
    }

    /** The value; only call after {@link #isOk()}. */
    default T value() {
        if (this instanceof Ok<T> ok) return ok.value();
        throw new IllegalStateException("no value: " + this);
    }

    default <R> Decoded<R> map(Function<T, R> f) {
        if (this instanceof Ok<T> ok) return new Ok<>(f.apply(ok.value()));
        Error<T> e = (Error<T>) this;
        return new Error<>(e.reason(), e.detail());
    }
}
