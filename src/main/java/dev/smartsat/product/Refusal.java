package dev.smartsat.product;

/** Something the product would not do, as a scenario step lists it: what (a model, user or data center) and why. */
public record Refusal(String what, String reason) {
}
