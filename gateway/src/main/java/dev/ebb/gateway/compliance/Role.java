package dev.ebb.gateway.compliance;

import java.util.EnumSet;
import java.util.Set;

/**
 * Roles of compliance API tokens, with separation of duties: officers disclose, auditors check the officers, admins
 * (who run the system) may check integrity but neither disclose traffic data nor read the audit trail of disclosures.
 */
public enum Role {
    /** Answers lawful requests (queries, exports, disclosure requests) and controllers' data-subject requests. */
    COMPLIANCE_OFFICER("compliance-officer", EnumSet.of(Action.QUERY, Action.EXPORT, Action.REQUEST_CREATE,
            Action.REQUEST_READ, Action.REQUEST_APPROVE, Action.REQUEST_REJECT, Action.REQUEST_CANCEL,
            Action.REQUEST_DELIVER, Action.REQUEST_EXPORT, Action.SUBJECT_ACCESS, Action.SUBJECT_RESTRICT, Action.SUBJECT_READ_RESTRICTIONS,
            Action.SUBJECT_ERASE, Action.READ_API_DOCUMENT, Action.READ_OWN_TOKEN, Action.READ_DELIVERY_KEY)),
    /**
     * Reads and verifies the audit log, verifies the metadata store and reads its transparency logs, sees requests
     * and restrictions.
     */
    AUDITOR("auditor", EnumSet.of(Action.READ_AUDIT, Action.VERIFY_AUDIT, Action.VERIFY_INTEGRITY, Action.READ_TLOG,
            Action.REQUEST_READ, Action.SUBJECT_READ_RESTRICTIONS, Action.READ_API_DOCUMENT, Action.READ_OWN_TOKEN,
            Action.READ_DELIVERY_KEY)),
    /** Operates the gateway: may verify (and read the API document, its own token, the delivery key), nothing else. */
    ADMIN("admin", EnumSet.of(Action.VERIFY_AUDIT, Action.VERIFY_INTEGRITY, Action.READ_API_DOCUMENT,
            Action.READ_OWN_TOKEN, Action.READ_DELIVERY_KEY));

    private final String configName;
    private final Set<Action> allowed;

    Role(String configName, Set<Action> allowed) {
        this.configName = configName;
        this.allowed = allowed;
    }

    /** The name used in {@code ebb.yaml} and the audit log. */
    public String configName() {
        return configName;
    }

    /** True if this role may perform {@code action}. */
    public boolean permits(Action action) {
        return allowed.contains(action);
    }

    /**
     * The role of a config name.
     *
     * @throws IllegalArgumentException if no role has that name
     */
    public static Role ofConfigName(String name) {
        for (Role r : values()) {
            if (r.configName.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown compliance role " + name);
    }
}
