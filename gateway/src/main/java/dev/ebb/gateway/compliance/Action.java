package dev.ebb.gateway.compliance;

/** What a compliance API caller asked to do; each action is written to the audit log. */
public enum Action {
    /** Read retained traffic data (one page). */
    QUERY,
    /** Build an export package of retained traffic data for a case. */
    EXPORT,
    /** Read the audit log. */
    READ_AUDIT,
    /** Verify the audit log's hash chain. */
    VERIFY_AUDIT,
    /** Verify the metadata store's Merkle trees and signed heads. */
    VERIFY_INTEGRITY,
    /** Open a disclosure request (ETSI TS 103 120 shaped) for a case. */
    REQUEST_CREATE,
    /** Read disclosure requests and their state. */
    REQUEST_READ,
    /** Approve another officer's disclosure request (four eyes). */
    REQUEST_APPROVE,
    /** Reject another officer's disclosure request. */
    REQUEST_REJECT,
    /** Cancel a disclosure request not yet disclosed. */
    REQUEST_CANCEL,
    /** Receive one page of the signed delivery of an approved request. */
    REQUEST_DELIVER,
    /** Receive one page of an approved request's records as an export package, with their inclusion proofs. */
    REQUEST_EXPORT,
    /** Export the traffic data of one of a customer's numbers on that customer's (the controller's) instruction. */
    SUBJECT_ACCESS,
    /** Record a data subject's restriction of processing or objection, on the controller's instruction. */
    SUBJECT_RESTRICT,
    /** Read the recorded restrictions and objections. */
    SUBJECT_READ_RESTRICTIONS,
    /** Ask to erase a number's traffic data: always refused while it is under legal retention. */
    SUBJECT_ERASE,
    /**
     * Read the metadata store's transparency logs: checkpoints, tlog-tiles resources (records as stored, numbers
     * sealed), consistency and inclusion proofs. No traffic data in clear, so no case is needed.
     */
    READ_TLOG,
    /** Read the compliance API's OpenAPI document: no data, but on this listener no request goes unaudited. */
    READ_API_DOCUMENT,
    /** Read the caller's own token id and role (what a client such as the console shows and offers): no data. */
    READ_OWN_TOKEN,
    /** Read the public key that verifies deliveries and export packages, to check one as the recipient does. */
    READ_DELIVERY_KEY,
    /**
     * No compliance function: a request to no resource, with a method its resource does not take, or that could not
     * be decoded at all. Always refused, and audited like every other request.
     */
    UNKNOWN
}
