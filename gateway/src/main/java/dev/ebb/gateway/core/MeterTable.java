package dev.ebb.gateway.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The meters of one metric by two label values, each made once on first use and then found with two map lookups:
 * the hot path (50,000 submits a second) neither builds a meter nor allocates a key to find one. The caller keeps the
 * label values bounded (customer ids, connector names, status names from fixed sets; DESIGN.md invariant 1).
 *
 * @param <A> the first label's value (a customer id, a connector name)
 * @param <B> the second's (a status code, a state): small boxed integers and enum constants allocate nothing
 * @param <M> the meter
 */
public final class MeterTable<A, B, M> {
    private final ConcurrentHashMap<A, ConcurrentHashMap<B, M>> rows = new ConcurrentHashMap<>();
    private final BiFunction<A, B, M> make;

    /** @param make registers the meter of a pair of label values; called once per pair */
    public MeterTable(BiFunction<A, B, M> make) {
        this.make = make;
    }

    public M get(A a, B b) {
        ConcurrentHashMap<B, M> row = rows.get(a);
        if (row == null) {
            row = rows.computeIfAbsent(a, k -> new ConcurrentHashMap<>());
        }
        M meter = row.get(b);
        // get first: computeIfAbsent with a capturing lambda allocates on every call, found or not.
        return meter != null ? meter : row.computeIfAbsent(b, k -> make.apply(a, k));
    }
}
