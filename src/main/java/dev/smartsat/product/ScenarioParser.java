package dev.smartsat.product;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a scenario file (JSON, or YAML with the same keys) and checks every key and value before anything is sent:
 * an unknown key, an unknown value of a fixed set, days out of order, a negative or fractional count — each is a
 * {@link ScenarioException} naming the step and the key.
 */
public final class ScenarioParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final int MAX_COUNT = 1_000_000;
    private static final long MAX_DAY = 3650;
    // SPEC §5: what a reservation request code can carry
    private static final Pattern PID = Pattern.compile("[A-Za-z0-9._/-]{1,40}");
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9]{1,40}");
    private static final Set<String> TOP = Set.of("product", "pid", "serial", "token", "virtualAccount", "systemSize",
            "dataCenters", "steps");
    private static final Set<String> STEP = Set.of("day", "faults", "deregister", "register", "reserve");
    private static final Set<String> EXPRESSWAY = Set.of("calls", "registrations");
    private static final Set<String> WEBEX = Set.of("meetings", "assign", "deactivate");

    private ScenarioParser() {
    }

    public static Scenario read(Path file) throws ScenarioException {
        JsonNode root;
        try {
            String text = Files.readString(file);
            boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
            root = (json ? JSON : YAML).readTree(text);
        } catch (JacksonException e) {
            throw new ScenarioException("malformed: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ScenarioException("cannot read: " + e.getMessage());
        }
        return parse(root);
    }

    public static Scenario parse(JsonNode root) throws ScenarioException {
        if (root == null || !root.isObject()) {
            throw new ScenarioException("malformed: the file must be an object with product and steps");
        }
        Where top = new Where("top level");
        Profile profile = Profile.byWord(requiredText(top, root, "product"))
                .orElseThrow(() -> top.bad("product", "must be expressway or webex-meetings-server"));
        Set<String> allowed = new java.util.HashSet<>(TOP);
        if (profile == Profile.EXPRESSWAY) {
            allowed.removeAll(Set.of("systemSize", "dataCenters"));
        }
        unknownKeys(top, root, allowed);
        String pid = optionalText(top, root, "pid");
        String serial = optionalText(top, root, "serial");
        if (pid != null && !PID.matcher(pid).matches()) {
            throw top.bad("pid", "must be 1 to 40 of A-Z a-z 0-9 . _ / -");
        }
        if (serial != null && !SERIAL.matcher(serial).matches()) {
            throw top.bad("serial", "must be 1 to 40 letters and digits");
        }
        SystemSize size = SystemSize.LARGE;
        String sizeText = optionalText(top, root, "systemSize");
        if (sizeText != null) {
            size = SystemSize.byWord(sizeText).orElseThrow(() -> top.bad("systemSize",
                    "must be micro, small, medium, large or extra-large"));
        }
        int dataCenters = root.has("dataCenters") ? (int) whole(top, "dataCenters", root.get("dataCenters")) : 1;
        if (dataCenters != 1 && dataCenters != 2) {
            throw top.bad("dataCenters", "must be 1 or 2");
        }
        String virtualAccount = optionalText(top, root, "virtualAccount");
        JsonNode steps = root.get("steps");
        if (steps == null || !steps.isArray()) {
            throw top.bad("steps", "must be a list of steps");
        }
        List<Scenario.Step> parsed = new ArrayList<>();
        long lastDay = 0;
        for (int i = 0; i < steps.size(); i++) {
            Scenario.Step step = step(profile, i + 1, steps.get(i));
            if (step.day() < lastDay) {
                throw new Where("step " + step.number()).bad("day", "is " + step.day() + ", before the previous step's day "
                        + lastDay + "; steps must be in non-decreasing day order");
            }
            lastDay = step.day();
            parsed.add(step);
        }
        return new Scenario(profile, pid, serial, optionalText(top, root, "token"),
                virtualAccount == null ? "Default" : virtualAccount, size, dataCenters, List.copyOf(parsed));
    }

    private static Scenario.Step step(Profile profile, int number, JsonNode node) throws ScenarioException {
        Where at = new Where("step " + number);
        if (node == null || !node.isObject()) {
            throw at.bad("", "a step must be an object with day and what happens");
        }
        Set<String> allowed = new java.util.HashSet<>(STEP);
        allowed.addAll(profile == Profile.EXPRESSWAY ? EXPRESSWAY : WEBEX);
        unknownKeys(at, node, allowed);
        if (!node.has("day")) {
            throw at.bad("day", "is missing");
        }
        long day = whole(at, "day", node.get("day"));
        if (day > MAX_DAY) {
            throw at.bad("day", "must be at most " + MAX_DAY + " (ten years)");
        }
        JsonNode faults = node.get("faults");
        if (faults != null) {
            faults(at, faults);
        }
        Map<String, Long> reserve = null;
        if (node.has("reserve")) {
            reserve = new LinkedHashMap<>();
            for (JsonNode line : list(at, "reserve", node.get("reserve"))) {
                String key = "reserve[" + reserve.size() + "]";
                unknownKeys(at.in(key), line, Set.of("license", "quantity"));
                String name = requiredText(at.in(key), line, "license");
                String tag = ProductLicense.byName(name).map(ProductLicense::tag)
                        .orElse(name.startsWith("regid.") ? name : null);
                if (tag == null) {
                    throw at.bad(key + ".license", "'" + name + "' is neither a license this product uses nor a tag");
                }
                reserve.merge(tag, whole(at, key + ".quantity", required(at.in(key), line, "quantity")), Long::sum);
            }
        }
        Activity.Change change = new Activity.Change(
                optionalList(at, node, "calls", (w, n) -> call(w, n)),
                optionalList(at, node, "registrations", (w, n) -> registration(w, n)),
                optionalList(at, node, "meetings", (w, n) -> meeting(w, n)),
                optionalList(at, node, "assign", (w, n) -> user(w, n)),
                optionalList(at, node, "deactivate", (w, n) -> user(w, n)));
        return new Scenario.Step(number, day, faults, bool(at, node, "deregister", false),
                bool(at, node, "register", false), reserve, change);
    }

    private static Call call(Where at, JsonNode n) throws ScenarioException {
        unknownKeys(at, n, Set.of("type", "media", "count"));
        String type = requiredText(at, n, "type");
        String media = requiredText(at, n, "media");
        return new Call(word(at, "type", type, Call.Type.values(), Call.Type::word),
                word(at, "media", media, Call.Media.values(), Call.Media::word), count(at, "count", n));
    }

    private static EndpointRegistration registration(Where at, JsonNode n) throws ScenarioException {
        unknownKeys(at, n, Set.of("model", "protocol", "aliases", "software", "via", "count"));
        String model = requiredText(at, n, "model");
        EndpointRegistration.Protocol protocol = word(at, "protocol", requiredText(at, n, "protocol"),
                EndpointRegistration.Protocol.values(), EndpointRegistration.Protocol::word);
        EndpointRegistration.Via via = n.has("via") ? word(at, "via", requiredText(at, n, "via"),
                EndpointRegistration.Via.values(), EndpointRegistration.Via::word) : EndpointRegistration.Via.DIRECT;
        if (via != EndpointRegistration.Via.DIRECT && protocol != EndpointRegistration.Protocol.SIP) {
            throw at.bad("via", "a proxy registration is SIP only, not " + protocol.word());
        }
        int aliases = n.has("aliases") ? (int) whole(at, "aliases", n.get("aliases")) : 1;
        if (aliases < 1) {
            throw at.bad("aliases", "must be 1 or more");
        }
        return new EndpointRegistration(model, protocol, aliases, optionalText(at, n, "software"), via,
                count(at, "count", n));
    }

    private static Meeting meeting(Where at, JsonNode n) throws ScenarioException {
        unknownKeys(at, n, Set.of("host", "alternateHost", "hostAttends", "overlapping"));
        int overlapping = n.has("overlapping") ? (int) whole(at, "overlapping", n.get("overlapping")) : 1;
        if (overlapping < 1) {
            throw at.bad("overlapping", "must be 1 or more");
        }
        return new Meeting(requiredText(at, n, "host"), optionalText(at, n, "alternateHost"),
                bool(at, n, "hostAttends", true), overlapping);
    }

    private static String user(Where at, JsonNode n) throws ScenarioException {
        if (!n.isTextual() || n.asText().isBlank()) {
            throw at.bad("", "must be a user name");
        }
        return n.asText().strip();
    }

    private static void faults(Where at, JsonNode faults) throws ScenarioException {
        if (!faults.isObject()) {
            throw at.bad("faults", "must be an object such as {\"transport\":{\"failRate\":1.0}} or {}");
        }
        unknownKeys(at.in("faults"), faults, Set.of("transport", "upstream"));
        for (Iterator<Map.Entry<String, JsonNode>> it = faults.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            Where w = at.in("faults." + path.getKey());
            if (!path.getValue().isObject()) {
                throw at.bad("faults." + path.getKey(), "must be an object with failRate, status and delayMs");
            }
            unknownKeys(w, path.getValue(), Set.of("failRate", "status", "delayMs"));
            JsonNode rate = path.getValue().get("failRate");
            if (rate != null && (!rate.isNumber() || rate.asDouble() < 0 || rate.asDouble() > 1)) {
                throw w.bad("failRate", "must be a number from 0.0 to 1.0");
            }
            if (path.getValue().has("status")) {
                long status = whole(w, "status", path.getValue().get("status"));
                if (status < 400 || status > 599) {
                    throw w.bad("status", "must be an HTTP error status, 400 to 599");
                }
            }
            if (path.getValue().has("delayMs") && whole(w, "delayMs", path.getValue().get("delayMs")) > 60_000) {
                throw w.bad("delayMs", "must be from 0 to 60000");
            }
        }
    }

    // ---- small checks ----

    /** Where in the file a check is: "step 3" and a key prefix such as "calls[0]". */
    private record Where(String step, String prefix) {
        Where(String step) {
            this(step, "");
        }

        Where in(String key) {
            return new Where(step, prefix.isEmpty() ? key : prefix + "." + key);
        }

        ScenarioException bad(String key, String why) {
            String full = prefix.isEmpty() ? key : key.isEmpty() ? prefix : prefix + "." + key;
            return new ScenarioException(step + (full.isEmpty() ? "" : ", key " + full) + ": " + why);
        }
    }

    private interface Item<T> {
        T read(Where at, JsonNode node) throws ScenarioException;
    }

    private static <T> List<T> optionalList(Where at, JsonNode node, String key, Item<T> item) throws ScenarioException {
        if (!node.has(key)) {
            return null;
        }
        List<T> out = new ArrayList<>();
        JsonNode array = list(at, key, node.get(key));
        for (int i = 0; i < array.size(); i++) {
            out.add(item.read(at.in(key + "[" + i + "]"), array.get(i)));
        }
        return out;
    }

    private static JsonNode list(Where at, String key, JsonNode node) throws ScenarioException {
        if (node == null || !node.isArray()) {
            throw at.bad(key, "must be a list ([] ends it)");
        }
        return node;
    }

    private static void unknownKeys(Where at, JsonNode node, Set<String> allowed) throws ScenarioException {
        if (node == null || !node.isObject()) {
            throw at.bad("", "must be an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw at.bad(key, "unknown key (allowed here: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static <E> E word(Where at, String key, String value, E[] values, Function<E, String> word)
            throws ScenarioException {
        List<String> words = new ArrayList<>();
        for (E e : values) {
            if (word.apply(e).equals(value)) {
                return e;
            }
            words.add(word.apply(e));
        }
        throw at.bad(key, "'" + value + "' is not one of " + String.join(", ", words));
    }

    private static JsonNode required(Where at, JsonNode node, String key) throws ScenarioException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw at.bad(key, "is missing");
        }
        return value;
    }

    private static String requiredText(Where at, JsonNode node, String key) throws ScenarioException {
        JsonNode value = required(at, node, key);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw at.bad(key, "must be text");
        }
        return value.asText().strip();
    }

    private static String optionalText(Where at, JsonNode node, String key) throws ScenarioException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        return requiredText(at, node, key);
    }

    private static boolean bool(Where at, JsonNode node, String key, boolean otherwise) throws ScenarioException {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw at.bad(key, "must be true or false");
        }
        return value.asBoolean();
    }

    private static int count(Where at, String key, JsonNode node) throws ScenarioException {
        return (int) whole(at, key, required(at, node, key));
    }

    /** A whole number of 0 or more (2 and 2.0 alike; 2.5, -1 and "2" are refused). */
    private static long whole(Where at, String key, JsonNode value) throws ScenarioException {
        if (value == null || !value.isNumber() || value.decimalValue().stripTrailingZeros().scale() > 0) {
            throw at.bad(key, "must be a whole number of 0 or more");
        }
        if (value.decimalValue().signum() < 0) {
            throw at.bad(key, "must be a whole number of 0 or more, not " + value.asText());
        }
        if (value.decimalValue().compareTo(java.math.BigDecimal.valueOf(MAX_COUNT)) > 0) {
            throw at.bad(key, "must be at most " + MAX_COUNT);
        }
        return value.longValue();
    }
}
