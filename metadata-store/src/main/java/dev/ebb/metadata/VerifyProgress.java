package dev.ebb.metadata;

/**
 * Told how far a verification has got, so a command can show it (a year's store takes minutes). Called on the
 * verifying thread; must be quick.
 */
public interface VerifyProgress {
    /** Reports nothing. */
    VerifyProgress NONE = new VerifyProgress() {
        @Override
        public void started(long records) {
        }

        @Override
        public void checked(long records) {
        }
    };

    /** Once, before the first record: about how many records the range holds (from the leaf logs' sizes). */
    void started(long records);

    /** Now and then, and once at the end: records checked so far, over every day of the range. */
    void checked(long records);
}
