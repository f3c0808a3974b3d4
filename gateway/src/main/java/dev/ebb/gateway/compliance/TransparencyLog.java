package dev.ebb.gateway.compliance;

import dev.ebb.metadata.Checkpoint;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.RecordRef;
import dev.ebb.metadata.TilePath;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The metadata store's per-day transparency logs as an auditor reads them: C2SP checkpoints and tlog-tiles resources
 * (tree tiles and entry bundles of the records as stored, numbers sealed, no content), RFC 6962 consistency and
 * inclusion proofs. Read-only; every read is authorised ({@link Action#READ_TLOG}) and audited like any compliance
 * call, though none discloses traffic data, so none needs a case.
 */
public final class TransparencyLog {
    private final MetadataStore store;
    private final AuditGate gate;

    TransparencyLog(MetadataStore store, AuditGate gate) {
        this.store = store;
        this.gate = gate;
    }

    /**
     * The log key and, per day with a checkpoint, its origin and checkpointed size.
     *
     * @param logKey the vkey that verifies every day's checkpoints
     * @param days   ascending
     */
    public record Index(String logKey, List<Day> days) {
    }

    /** One day's log: its origin and the size of its latest checkpoint. */
    public record Day(LocalDate day, String origin, long treeSize) {
    }

    /** An RFC 6962 §2.1.2 consistency proof, hashes in base64. */
    public record ConsistencyProof(LocalDate day, String origin, long from, long to, List<String> proof) {
    }

    /** An RFC 6962 §2.1.1 audit path, leaf's sibling first, hashes in base64. */
    public record InclusionProof(LocalDate day, String origin, long index, long treeSize, List<String> proof) {
    }

    /** See {@link Index}. */
    public Index index(RequestContext ctx) {
        return audited(ctx, Map.of(), () -> null, v -> new Index(store.logKey().toString(), store.checkpointDays()
                .stream().map(d -> new Day(d, store.checkpointOrigin(d), store.checkpoint(d)
                        .map(n -> Checkpoint.parse(n.text()).size()).orElse(0L))).toList()));
    }

    /** The latest checkpoint of {@code day}, as a signed note with its cosignatures. */
    public String checkpoint(RequestContext ctx, String day) {
        return audited(ctx, Map.of("day", day), () -> day(day), d -> store.checkpoint(d)
                .orElseThrow(() -> Rejection.notFound("day", "no checkpoint of day " + d)).format());
    }

    /** A tile or entry bundle of {@code day}: {@code tile} is the segments after {@code tile/}. */
    public byte[] tile(RequestContext ctx, String day, List<String> tile) {
        Map<String, String> criteria = new LinkedHashMap<>();
        criteria.put("day", day);
        criteria.put("tile", String.join("/", tile));
        return audited(ctx, criteria, () -> new DayTile(day(day), tilePath(tile)),
                t -> found(() -> store.tile(t.day(), t.path())));
    }

    /** The consistency proof of {@code day} from size {@code from} to size {@code to}. */
    public ConsistencyProof consistency(RequestContext ctx, String day, String from, String to) {
        return audited(ctx, criteria(day, "from", from, "to", to), () -> new Sizes(day(day), size("from", from), size("to", to)),
                s -> new ConsistencyProof(s.day(), store.checkpointOrigin(s.day()), s.first(), s.second(),
                        base64(found(() -> store.consistencyProof(s.day(), s.first(), s.second())))));
    }

    /** The audit path of leaf {@code index} of {@code day} in its tree of {@code treeSize} leaves. */
    public InclusionProof inclusion(RequestContext ctx, String day, String index, String treeSize) {
        return audited(ctx, criteria(day, "index", index, "treeSize", treeSize), () -> new Sizes(day(day), size("index", index), size("treeSize", treeSize)),
                s -> new InclusionProof(s.day(), store.checkpointOrigin(s.day()), s.first(), s.second(),
                        base64(found(() -> store.inclusionPath(new RecordRef(s.day(), s.first()), s.second())))));
    }

    /** The audit criteria of a proof request: the day and its two sizes as given. */
    private static Map<String, String> criteria(String day, String first, String a, String second, String b) {
        Map<String, String> criteria = new LinkedHashMap<>();
        criteria.put("day", day);
        criteria.put(first, String.valueOf(a));
        criteria.put(second, String.valueOf(b));
        return criteria;
    }

    private <V, T> T audited(RequestContext ctx, Map<String, String> criteria, Supplier<V> validate,
                             java.util.function.Function<V, T> read) {
        AuditGate.Accepted<V> accepted = gate.accept(ctx, Action.READ_TLOG, criteria, false, who -> validate.get());
        T result = gate.run(accepted.entry(), () -> read.apply(accepted.value()));
        gate.complete(accepted.entry(), 0);
        return result;
    }

    /** What the store refuses as outside the published log (past the checkpoint, a pruned day) is not found. */
    private static <T> T found(Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw Rejection.notFound(null, e.getMessage());
        }
    }

    private static LocalDate day(String day) {
        try {
            return LocalDate.parse(day);
        } catch (DateTimeParseException e) {
            throw Rejection.invalid("day", "day '" + day + "' is not an ISO date (yyyy-mm-dd)");
        }
    }

    private static TilePath tilePath(List<String> segments) {
        try {
            return TilePath.parse(segments);
        } catch (IllegalArgumentException e) {
            throw Rejection.invalid("tile", e.getMessage());
        }
    }

    private static long size(String field, String value) {
        if (value == null || !value.matches("0|[1-9][0-9]{0,17}")) {
            throw Rejection.invalid(field, field + " must be a non-negative decimal, was " + value);
        }
        return Long.parseLong(value);
    }

    private static List<String> base64(List<byte[]> hashes) {
        return hashes.stream().map(Base64.getEncoder()::encodeToString).toList();
    }

    private record DayTile(LocalDate day, TilePath path) {
    }

    private record Sizes(LocalDate day, long first, long second) {
    }
}
