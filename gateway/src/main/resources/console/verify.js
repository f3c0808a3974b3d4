'use strict';
/*
 * Checks a signed document from Ebb (a delivery page or an export package) the way SignedJson.verifies does in Java:
 * the SHA-256 digest of the canonical JSON of everything but its "integrity" member (object members sorted by name
 * at every level, no whitespace, UTF-8, strings escaped as Jackson writes them), compared with the digest stated,
 * and the Ed25519 signature over that digest checked with the provider's key (fetched from the gateway, never the key
 * the file names). Runs entirely in the browser: the file is not sent anywhere.
 */
const EbbVerify = (() => {
  const HEX = '0123456789ABCDEF';

  /* Jackson's escaping: ", \ and the short forms \b \t \n \f \r; other controls and lone or paired surrogates as
     \uXXXX with upper-case hex; everything else as is (UTF-8). */
  function quote(s) {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const ch = s[i];
      if (ch === '"') out += '\\"';
      else if (ch === '\\') out += '\\\\';
      else if (c === 0x08) out += '\\b';
      else if (c === 0x09) out += '\\t';
      else if (c === 0x0a) out += '\\n';
      else if (c === 0x0c) out += '\\f';
      else if (c === 0x0d) out += '\\r';
      else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) {
        out += '\\u' + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];
      } else out += ch;
    }
    return out + '"';
  }

  function canonical(v) {
    if (v === null) return 'null';
    if (typeof v === 'string') return quote(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new Error('a number the signed form cannot hold exactly');
      return String(v);
    }
    if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
    // Java sorts member names by UTF-16 code units, as the default JavaScript sort does.
    return '{' + Object.keys(v).sort().map((k) => quote(k) + ':' + canonical(v[k])).join(',') + '}';
  }

  function hex(bytes) {
    return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function base64(text) {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  /** What kind of document it is, in words, or null if it is neither. */
  function describe(doc) {
    if (doc.header && doc.payload) {
      const h = doc.header;
      return { kind: 'delivery', caseReference: h.caseReference,
        words: `page ${h.page} of the delivery of request ${h.requestId} for case ${h.caseReference}, `
          + `${h.recordCount} record${h.recordCount === 1 ? '' : 's'}${h.lastPage ? ', the last page' : ''}` };
    }
    if (Array.isArray(doc.records) && Array.isArray(doc.proofs)) {
      return { kind: 'export', caseReference: doc.caseReference,
        words: `an export package for case ${doc.caseReference}, ${doc.records.length} record`
          + `${doc.records.length === 1 ? '' : 's'} with their inclusion proofs` };
    }
    return null;
  }

  /**
   * @param text the file's text
   * @param providerKey {publicKey, sha256} as GET /v1/keys/delivery answers
   * @returns {outcome, what, digestMatches, keyIsProviders, signatureValid, fingerprint}; outcome is one of
   *   'verified', 'changed', 'other-key', 'bad-signature', 'no-ed25519', 'not-signed', 'not-json'
   */
  async function check(text, providerKey) {
    let doc;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      return { outcome: 'not-json' };
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !doc.integrity
        || typeof doc.integrity.digest !== 'string' || typeof doc.integrity.signature !== 'string') {
      return { outcome: 'not-signed' };
    }
    const what = describe(doc);
    const integrity = doc.integrity;
    const unsigned = Object.assign({}, doc);
    delete unsigned.integrity;
    let digest;
    try {
      digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical(unsigned)));
    } catch (e) {
      return { outcome: 'not-signed', what };
    }
    const result = { what, fingerprint: providerKey.sha256, digestMatches: hex(digest) === integrity.digest.toLowerCase(),
      keyIsProviders: integrity.publicKey === providerKey.publicKey };
    let key;
    try {
      key = await crypto.subtle.importKey('spki', base64(providerKey.publicKey), { name: 'Ed25519' }, false,
        ['verify']);
    } catch (e) {
      return Object.assign(result, { outcome: 'no-ed25519' });
    }
    let signatureValid = false;
    try {
      signatureValid = await crypto.subtle.verify({ name: 'Ed25519' }, key, base64(integrity.signature), digest);
    } catch (e) {
      signatureValid = false;
    }
    result.signatureValid = signatureValid;
    if (!result.digestMatches) result.outcome = 'changed';
    else if (signatureValid) result.outcome = 'verified';
    else if (!result.keyIsProviders) result.outcome = 'other-key';
    else result.outcome = 'bad-signature';
    return result;
  }

  return { check, canonical };
})();
