package dev.ebb.gateway.http.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.gateway.http.StrictJson;
import io.netty.handler.codec.http.FullHttpRequest;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads JSON request bodies strictly: an object, known members only, strings only. Anything else is a
 * {@link BadRequest} naming the member, which the handler audits as a refused request.
 */
final class Bodies {
    /** The body of a disclosure request, shaped after an ETSI TS 103 120 authorisation and its task. */
    record NewRequest(String reference, String legalType, String start, String end, Map<String, String> task) {
    }

    NewRequest newRequest(FullHttpRequest request) {
        JsonNode root = object(request, "body");
        only(root, "body", Set.of("authorisation", "task"));
        JsonNode auth = member(root, "authorisation");
        only(auth, "authorisation", Set.of("reference", "legalType", "timespan"));
        JsonNode timespan = member(auth, "authorisation.timespan");
        only(timespan, "authorisation.timespan", Set.of("start", "end"));
        JsonNode task = member(root, "task");
        return new NewRequest(text(auth, "authorisation", "reference"), text(auth, "authorisation", "legalType"),
                text(timespan, "timespan", "start"), text(timespan, "timespan", "end"),
                strings(task, "task", Set.of("msisdn", "role", "messageId", "customer")));
    }

    /** A flat object of string members among {@code allowed}. */
    Map<String, String> flat(FullHttpRequest request, Set<String> allowed) {
        return strings(object(request, "body"), "body", allowed);
    }

    private JsonNode object(FullHttpRequest request, String name) {
        JsonNode root;
        try {
            root = StrictJson.read(request.content());
        } catch (IOException e) {
            throw new BadRequest(name, StrictJson.REFUSED);
        }
        if (root == null || !root.isObject()) {
            throw new BadRequest(name, "the body must be a JSON object");
        }
        return root;
    }

    private static JsonNode member(JsonNode parent, String path) {
        String name = path.substring(path.lastIndexOf('.') + 1);
        JsonNode n = parent.get(name);
        if (n == null || !n.isObject()) {
            throw new BadRequest(path, path + " must be a JSON object");
        }
        return n;
    }

    private static void only(JsonNode node, String path, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new BadRequest(path + "." + name, "unknown member " + path + "." + name);
            }
        }
    }

    private static String text(JsonNode node, String path, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new BadRequest(path + "." + name, path + "." + name + " must be a string");
        }
        return v.asText();
    }

    private static Map<String, String> strings(JsonNode node, String path, Set<String> allowed) {
        only(node, path, allowed);
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : List.copyOf(allowed)) {
            String v = text(node, path, name);
            if (v != null) {
                out.put(name, v);
            }
        }
        return out;
    }
}
