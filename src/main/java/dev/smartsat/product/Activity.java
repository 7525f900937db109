package dev.smartsat.product;

import java.util.List;

/**
 * What is happening on the product now, as scenario steps and one-shot commands set it: each list stays until it is
 * named again, and a named list replaces the previous one. {@code assign} and {@code deactivate} are license
 * management; their effect (a held license, a deactivated user) outlives the list.
 */
public record Activity(List<Call> calls, List<EndpointRegistration> registrations, List<Meeting> meetings,
                       List<String> assign, List<String> deactivate) {
    public static final Activity NONE = new Activity(List.of(), List.of(), List.of(), List.of(), List.of());

    public Activity {
        calls = calls == null ? List.of() : List.copyOf(calls);
        registrations = registrations == null ? List.of() : List.copyOf(registrations);
        meetings = meetings == null ? List.of() : List.copyOf(meetings);
        assign = assign == null ? List.of() : List.copyOf(assign);
        deactivate = deactivate == null ? List.of() : List.copyOf(deactivate);
    }

    /** This activity with the lists {@code change} names (non-null) replaced. */
    public Activity with(Change change) {
        return new Activity(change.calls() != null ? change.calls() : calls,
                change.registrations() != null ? change.registrations() : registrations,
                change.meetings() != null ? change.meetings() : meetings,
                change.assign() != null ? change.assign() : assign,
                change.deactivate() != null ? change.deactivate() : deactivate);
    }

    /** The lists one step or command names; null means "not named, keep what it was". */
    public record Change(List<Call> calls, List<EndpointRegistration> registrations, List<Meeting> meetings,
                         List<String> assign, List<String> deactivate) {
    }
}
