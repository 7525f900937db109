package dev.smartsat.product;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A scenario file (SPEC §11), checked: the product, its identity and system, and the steps in day order. Nothing in
 * it has been sent anywhere; {@link ScenarioParser} refused it whole if any part was wrong.
 */
public record Scenario(Profile product, String pid, String serial, String token, String virtualAccount,
                       SystemSize systemSize, int dataCenters, List<Step> steps) {
    /**
     * One step, its keys applied in this order: faults, deregister, register, reserve, then the activity.
     *
     * @param number  the step's place in the file, from 1, as error messages name it
     * @param faults  the body posted to the satellite's {@code /sim/faults}, or null
     * @param reserve the licenses to reserve (tag → quantity), or null
     * @param change  the activity lists the step names
     */
    public record Step(int number, long day, JsonNode faults, boolean deregister, boolean register,
                       java.util.Map<String, Long> reserve, Activity.Change change) {
    }
}
