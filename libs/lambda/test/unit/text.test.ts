import { isStorableText } from '../../src';

describe('storable text', () => {
  it.each(['Ann', 'Zoë', '李', 'emoji 😀 ok', 'tab-free'])('takes %j', (text) => {
    expect(isStorableText(text)).toBe(true);
  });

  it.each([['NUL', 'a\u0000b'], ['escape', '\u001b[31m'], ['line break', 'a\nb'], ['DEL', 'a\u007f'], ['C1', 'a\u0085'], ['lone high surrogate', 'a\ud83d'], ['lone low surrogate', '\ude00b'], ['surrogates the wrong way round', '\ude00\ud83d']])('refuses %s', (_name, text) => {
    expect(isStorableText(text)).toBe(false);
  });

  it('lets a yubl break lines, and nothing else of the kind', () => {
    expect(isStorableText('one\ntwo\r\nthree', { lineBreaks: true })).toBe(true);
    expect(isStorableText('a\tb', { lineBreaks: true })).toBe(false);
    expect(isStorableText('a\u0000b', { lineBreaks: true })).toBe(false);
    expect(isStorableText('a\ud83d', { lineBreaks: true })).toBe(false);
  });
});
