package dev.smartsat.transport;

/** The message types of /SmartTransport (SPEC §3). */
public enum MessageType {
    REGISTER, RENEW_ID_CERT, AUTH_REQUEST, DEREGISTER, HELLO;

    public static final String VERSION = "1.3";
}
