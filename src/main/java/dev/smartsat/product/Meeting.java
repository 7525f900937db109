package dev.smartsat.product;

/**
 * Meetings in progress on a Webex Meetings Server: {@code overlapping} meetings scheduled by {@code host} at the
 * same time, with an optional alternate host, and whether the host attends.
 */
public record Meeting(String host, String alternateHost, boolean hostAttends, int overlapping) {
    public Meeting {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be given");
        }
        if (overlapping < 1) {
            throw new IllegalArgumentException("overlapping must be 1 or more");
        }
    }
}
