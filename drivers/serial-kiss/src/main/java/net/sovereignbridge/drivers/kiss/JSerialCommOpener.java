package net.sovereignbridge.drivers.kiss;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serial ports through jSerialComm (docs/decisions.md, "Serial radios"): 8N1, no flow control, reads that wait up
 * to {@link #READ_WAIT_MILLIS} for the first byte. It opens pseudo-terminals by path as well as USB adapters.
 */
public final class JSerialCommOpener implements SerialPortOpener {
    static final int READ_WAIT_MILLIS = 200;
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int EBUSY = 16;

    @Override
    public SerialLink open(String device, int speed) throws SerialPortException {
        Path path = Path.of(device);
        // jSerialComm only says "false"; look first so that the operator gets the reason
        if (!Files.exists(path)) throw SerialPortException.of(SerialPortException.Reason.MISSING, device, "");
        if (!Files.isReadable(path) || !Files.isWritable(path)) {
            throw SerialPortException.of(SerialPortException.Reason.PERMISSION_DENIED, device, "");
        }
        SerialPort port;
        try {
            port = SerialPort.getCommPort(device);
        } catch (RuntimeException e) {
            throw SerialPortException.of(SerialPortException.Reason.FAILED, device, e.getMessage());
        }
        port.setComPortParameters(speed, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                READ_WAIT_MILLIS, 2_000);
        if (!port.openPort()) {
            int errno = port.getLastErrorCode();
            SerialPortException.Reason reason = switch (errno) {
                case ENOENT -> SerialPortException.Reason.MISSING;
                case EACCES -> SerialPortException.Reason.PERMISSION_DENIED;
                case EBUSY -> SerialPortException.Reason.BUSY;
                default -> SerialPortException.Reason.FAILED;
            };
            throw SerialPortException.of(reason, device, "errno " + errno);
        }
        return new Link(port);
    }

    private static final class Link implements SerialLink {
        private final SerialPort port;

        Link(SerialPort port) {
            this.port = port;
        }

        @Override
        public int read(byte[] buffer) throws IOException {
            int n = port.readBytes(buffer, buffer.length);
            if (n < 0) throw new IOException(port.getSystemPortPath() + " went away (read error " + port.getLastErrorCode() + ")");
            return n;
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            int done = 0;
            while (done < bytes.length) {
                int n = port.writeBytes(bytes, bytes.length - done, done);
                if (n <= 0) throw new IOException(port.getSystemPortPath() + " went away (write error " + port.getLastErrorCode() + ")");
                done += n;
            }
        }

        @Override
        public void close() {
            port.closePort();
        }
    }
}
