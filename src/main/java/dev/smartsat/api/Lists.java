package dev.smartsat.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shape of every list answer: {@code {"totalRecords": n, "<name>": [...]}}. */
final class Lists {
    private Lists() {}

    static Map<String, Object> of(String name, long totalRecords, List<?> items) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("totalRecords", totalRecords);
        body.put(name, items);
        return body;
    }
}
