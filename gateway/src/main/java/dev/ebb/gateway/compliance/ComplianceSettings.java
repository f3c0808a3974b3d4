package dev.ebb.gateway.compliance;

import dev.ebb.gateway.config.EbbConfig;
import java.time.Duration;
import java.time.Period;

/**
 * The rules the compliance functions apply.
 *
 * @param maxRecordsPerPage hard cap on the records of one response
 * @param retention         the metadata retention period: a window starting before it is refused
 * @param fourEyesThreshold a disclosure of more records than this needs a second officer's approval; 0: every one
 * @param fourEyesWindow    how long a disclosure on one officer's word counts towards the threshold of its subject
 * @param providerId        who discloses, named in the header of every delivery (the communication service
 *                          provider's identifier in ETSI TS 102 657 terms)
 */
public record ComplianceSettings(int maxRecordsPerPage, Period retention, int fourEyesThreshold,
                                 Duration fourEyesWindow, String providerId) {
    /** The settings of a loaded configuration. */
    public static ComplianceSettings of(EbbConfig cfg) {
        return new ComplianceSettings(cfg.compliance().maxRecordsPerPage(), cfg.metadata().retention(),
                cfg.compliance().fourEyesThreshold(), cfg.compliance().fourEyesWindow(), cfg.compliance().providerId());
    }
}
