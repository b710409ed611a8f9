// A correlation id keeps its characters (docs/api.md "Correlation"). HTTP header values are bytes
// that Node and API Gateway read as latin1, so over HTTP an id travels as ASCII: percent-encoded
// UTF-8 for whatever is not printable ASCII, and `%` itself. Inside the system (a record's
// `__context__`, SNS attributes, log lines) it rides as its characters.

const PERCENT_ESCAPE = /%[0-9a-f]{2}/i;
const HIGH_BYTES = /[\u0080-\u00ff]/;
const BEYOND_LATIN1 = /[\u0100-\uffff]/;
// What goes out escaped: controls, `%`, and everything past printable ASCII (code points, so a
// surrogate pair is one character and a lone surrogate one more).
const TO_ESCAPE = /[^\u0020-\u0024\u0026-\u007e]/gu;

/**
 * An id as a header carried it: percent-encoded UTF-8 decoded (a malformed escape leaves the value
 * as sent), and raw UTF-8 bytes (a client that sent them unencoded, read as latin1) taken as UTF-8.
 */
export function fromHeaderValue(value: string): string {
  let text = value;
  if (HIGH_BYTES.test(text) && !BEYOND_LATIN1.test(text)) {
    const utf8 = Buffer.from(text, 'latin1').toString('utf8');
    if (!utf8.includes('\ufffd')) text = utf8;
  }
  if (!PERCENT_ESCAPE.test(text)) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const escapeCharacter = (character: string) => {
  try {
    return encodeURIComponent(character);
  } catch {
    return '%EF%BF%BD'; // a lone surrogate has no UTF-8: the replacement character stands for it
  }
};

/** An id as a header value: printable ASCII as it is, the rest (and `%`) percent-encoded UTF-8. */
export const toHeaderValue = (value: string): string => value.replace(TO_ESCAPE, escapeCharacter);
