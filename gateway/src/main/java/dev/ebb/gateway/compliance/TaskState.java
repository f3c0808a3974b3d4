package dev.ebb.gateway.compliance;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a disclosure request stands, after the task states of ETSI TS 103 120: a request over the four-eyes
 * threshold waits for a second officer's approval, then for disclosure; the last page delivered makes it disclosed.
 * Rejected, cancelled and disclosed requests are final.
 */
public enum TaskState {
    /** Over the threshold: a second officer must approve (or reject) it. */
    AWAITING_APPROVAL("AwaitingApproval"),
    /** Approved (or under the threshold): its delivery may be fetched. */
    AWAITING_DISCLOSURE("AwaitingDisclosure"),
    /** Every page was delivered. */
    DISCLOSED("Disclosed"),
    /** A second officer refused it. */
    REJECTED("Rejected"),
    /** Withdrawn before it was disclosed. */
    CANCELLED("Cancelled");

    private final String wireName;

    TaskState(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the API and the audit log. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The state of a wire name. */
    static TaskState ofWireName(String name) {
        for (TaskState s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown task state " + name);
    }

    /** True when no transition leaves this state. */
    public boolean isFinal() {
        return this == DISCLOSED || this == REJECTED || this == CANCELLED;
    }
}
