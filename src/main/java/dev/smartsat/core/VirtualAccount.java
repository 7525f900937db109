package dev.smartsat.core;

/** A virtual account: a named partition of a smart account's licenses and product instances. */
public record VirtualAccount(long id, long accountId, String name, String description, boolean isDefault) {}
