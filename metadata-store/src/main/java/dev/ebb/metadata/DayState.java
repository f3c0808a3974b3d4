package dev.ebb.metadata;

import java.time.LocalDate;

/** The writer's state for the day being appended to. Guarded by the store's writer lock. */
final class DayState {
    final LocalDate day;
    final long dayStartMillis;
    final DayCrypto crypto;
    final MerkleFrontier frontier;
    final LeafWriter leaves;
    final DayIndex index;
    long count;
    SignedTreeHead lastHead;
    long lastHeadMillis;

    DayState(LocalDate day, DayCrypto crypto, MerkleFrontier frontier, LeafWriter leaves, DayIndex index) {
        this.day = day;
        this.dayStartMillis = day.toEpochDay() * 86_400_000L;
        this.crypto = crypto;
        this.frontier = frontier;
        this.leaves = leaves;
        this.index = index;
    }
}
