package net.sovereignbridge.app.cli;

/** Process exit codes of the sbridge CLI (docs/configuration.md lists them for operators). */
public final class ExitCodes {
    public static final int OK = 0;
    /** The operation failed at run time (daemon unreachable, message refused, I/O error). */
    public static final int FAILED = 1;
    /** Bad command line or configuration: nothing was started. */
    public static final int CONFIG = 2;
    /** The identity key file is unsafe or corrupt: the node refuses to run under it. */
    public static final int IDENTITY = 3;

    private ExitCodes() {}
}
