package dev.ebb.gateway.testing;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.config.PasswordHash;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jsmpp.extra.NegativeResponseException;

/** A second customer beside {@link TestGateway#SYSTEM_ID}, for what one customer must not see or do to another's. */
public final class TwoCustomers {
    public static final String OTHER = "globex";
    public static final String OTHER_PASSWORD = "globex12";

    private TwoCustomers() {
    }

    /** {@code config} with the customer {@link #OTHER}, bound over SMPP with {@link #OTHER_PASSWORD}. */
    public static EbbConfig withOtherCustomer(EbbConfig config) {
        List<CustomerConfig> customers = new ArrayList<>(config.customers());
        customers.add(TestConfigs.customer(OTHER)
                .smpp(TestConfigs.smppAccount(OTHER, PasswordHash.hash(OTHER_PASSWORD)).maxBinds(8)).tps(100_000).build());
        return config.withCustomers(customers);
    }

    /** The command_status of the NegativeResponseException a jSMPP call throws, 0 if it returns. */
    public static int refusal(Callable<?> call) throws Exception {
        try {
            call.call();
            return 0;
        } catch (NegativeResponseException e) {
            return e.getCommandStatus();
        }
    }
}
