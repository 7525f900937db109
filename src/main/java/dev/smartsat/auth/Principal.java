package dev.smartsat.auth;

/** An authenticated caller of the management API. */
public record Principal(String clientId, Role role) {}
