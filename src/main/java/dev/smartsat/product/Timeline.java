package dev.smartsat.product;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** What a scenario run shows: after each step, the product's status page as it then stood (SPEC §11 {@code --json}). */
public record Timeline(Profile product, String productInstanceIdentifier, List<Step> steps) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One step as the product's page showed it once the step took effect; {@code date} is the satellite's. */
    public record Step(long day, LocalDate date, String registrationStatus, String authorizationStatus,
                       List<ProductPage.Line> licenses, List<Refusal> refused) {
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("product", product.word());
        root.put("productInstanceIdentifier", productInstanceIdentifier);
        ArrayNode steps = root.putArray("steps");
        for (Step s : this.steps) {
            steps.add(stepJson(s));
        }
        return root;
    }

    static ObjectNode stepJson(Step s) {
        ObjectNode step = JSON.createObjectNode();
        step.put("day", s.day());
        step.put("date", s.date().toString());
        step.put("registrationStatus", s.registrationStatus());
        step.put("authorizationStatus", s.authorizationStatus());
        licensesJson(step.putArray("licenses"), s.licenses());
        refusedJson(step.putArray("refused"), s.refused());
        return step;
    }

    static void licensesJson(ArrayNode array, List<ProductPage.Line> lines) {
        for (ProductPage.Line l : lines) {
            array.addObject().put("entitlementTag", l.entitlementTag()).put("license", l.license())
                    .put("count", l.count()).put("status", l.status());
        }
    }

    static void refusedJson(ArrayNode array, List<Refusal> refused) {
        for (Refusal r : refused) {
            array.addObject().put("what", r.what()).put("reason", r.reason());
        }
    }

    /** The timeline as text: one block per step. */
    public List<String> render() {
        List<String> out = new ArrayList<>();
        out.add(product.title() + (productInstanceIdentifier == null ? "" : ", product instance "
                + productInstanceIdentifier));
        for (Step s : steps) {
            out.add(String.format("day %-4d %s  %s / %s", s.day(), s.date(), s.registrationStatus(),
                    s.authorizationStatus()));
            for (ProductPage.Line l : s.licenses()) {
                out.add(String.format("    %-62s %5d  %s", l.license(), l.count(), l.status()));
            }
            for (Refusal r : s.refused()) {
                out.add("    refused: " + r.what() + " - " + r.reason());
            }
        }
        return out;
    }
}
