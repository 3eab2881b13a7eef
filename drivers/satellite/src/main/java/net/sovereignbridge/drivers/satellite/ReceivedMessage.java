package net.sovereignbridge.drivers.satellite;

/** A reassembled message of one channel; {@code fecDecoded} tells whether zfec decoding produced it. */
public record ReceivedMessage(int channel, long sequence, byte[] data, boolean fecDecoded) {}
