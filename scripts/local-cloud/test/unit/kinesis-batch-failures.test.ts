import { firstFailure } from '../../src/event-sources/kinesis';

const records = ['100', '200', '300'].map((SequenceNumber) => ({ SequenceNumber }));

describe('reading batchItemFailures as Lambda does', () => {
  it.each([
    ['no answer', undefined],
    ['an answer without the field', {}],
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
  ])('treats %s as success', (_, payload) => {
    expect(firstFailure(records, payload)).toBe(-1);
  });

  it('finds the earliest reported record, whatever the order of the list', () => {
    expect(firstFailure(records, { batchItemFailures: [{ itemIdentifier: '300' }, { itemIdentifier: '200' }] })).toBe(1);
  });

  it.each([
    ['an identifier that names no record', { batchItemFailures: [{ itemIdentifier: '999' }] }],
    ['a missing identifier', { batchItemFailures: [{}] }],
    ['a list that is not a list', { batchItemFailures: 'all of them' }],
  ])('fails the whole batch for %s', (_, payload) => {
    expect(firstFailure(records, payload)).toBe(0);
  });
});
