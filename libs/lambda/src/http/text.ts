// What a person's text may hold when it is stored and shown to others (docs/api.md): no control
// characters (NUL, escape, the C1 range…), which break logs, terminals and other clients, and no
// lone surrogates (half of an emoji), which are not Unicode at all and cannot be written as UTF-8.
// A yubl may break lines; a name may not.

// Control characters are what these look for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `text` holds no control character (but \n and \r with `lineBreaks`) and no lone surrogate. */
export function isStorableText(text: string, { lineBreaks = false }: { lineBreaks?: boolean } = {}): boolean {
  return !(lineBreaks ? CONTROL_BUT_LINE_BREAKS : CONTROL).test(text) && !LONE_SURROGATE.test(text);
}
