package dev.smartsat.core;

/** A smart account: the customer's top-level licensing container, named by the customer. */
public record SmartAccount(long id, String name, String domain) {}
