import { deadLetterMessages, documentsOfMessage } from '../../src/dead-letters';

const refusal = (id: string, size = 10) => ({ document: { index: 'logs-dev-2026.12.01', id, document: { message: 'x'.repeat(size) } }, status: 400, reason: 'mapper_parsing_exception' });

describe('dead letters', () => {
  it('carry each document with its _index, _id and what the store said, and read back to the same documents', () => {
    const [body] = deadLetterMessages([refusal('a')]);
    expect(JSON.parse(body!)).toEqual({
      documents: [{ _index: 'logs-dev-2026.12.01', _id: 'a', _source: { message: 'xxxxxxxxxx' }, status: 400, reason: 'mapper_parsing_exception' }],
    });
    expect(documentsOfMessage(body!)).toEqual([refusal('a').document]);
  });

  it('are split into messages under the size limit; an entry over it goes alone', () => {
    const messages = deadLetterMessages([refusal('a', 100), refusal('b', 100), refusal('c', 600), refusal('d', 10)], 500);
    expect(messages.map((body) => documentsOfMessage(body)!.map((d) => d.id))).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(deadLetterMessages([])).toEqual([]);
  });

  it('that are not ours read as nothing', () => {
    for (const body of ['not json', '{}', '{"documents":[{"_id":"a"}]}', 'null']) expect(documentsOfMessage(body)).toBeUndefined();
  });
});
