package dev.ebb.bench.load;

import java.util.concurrent.CountDownLatch;

/**
 * What every connection of one run shares: the budget of messages, the figures, the latch each counts down once when
 * it is done, and whether receipts are asked for.
 */
record Run(Budget budget, LoadStats stats, CountDownLatch done, boolean receipts) {
}
