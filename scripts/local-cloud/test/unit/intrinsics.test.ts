import { render } from '../../src/intrinsics';

const lookup = {
  ref: (name: string) => ({ 'AWS::Region': 'eu-west-1', Topic: 'arn:aws:sns:eu-west-1:000000000000:t' })[name],
  getAtt: (id: string, attribute: string) => `${id}.${attribute}`,
  importValue: (name: string) => `imported:${name}`,
};

describe('CloudFormation intrinsics', () => {
  it('renders Ref, GetAtt in both spellings, ImportValue and Join, deep inside a value', () => {
    const value = {
      list: [{ Ref: 'Topic' }, { 'Fn::GetAtt': ['Stream', 'Arn'] }, { 'Fn::GetAtt': 'Queue.Arn' }],
      joined: { 'Fn::Join': [':', ['a', { Ref: 'AWS::Region' }]] },
      imported: { 'Fn::ImportValue': { 'Fn::Join': ['-', ['yubl', 'local', 'X']] } },
      plain: 'text',
    };
    expect(render(value, lookup)).toEqual({
      list: ['arn:aws:sns:eu-west-1:000000000000:t', 'Stream.Arn', 'Queue.Arn'],
      joined: 'a:eu-west-1',
      imported: 'imported:yubl-local-X',
      plain: 'text',
    });
  });

  it('substitutes pseudo parameters, attributes and variables in Fn::Sub', () => {
    expect(render({ 'Fn::Sub': 'arn:${AWS::Region}:${Stream.Arn}' }, lookup)).toBe('arn:eu-west-1:Stream.Arn');
    expect(render({ 'Fn::Sub': ['${a}-${AWS::Region}', { a: { Ref: 'Topic' } }] }, lookup)).toBe('arn:aws:sns:eu-west-1:000000000000:t-eu-west-1');
  });

  it('selects from a split', () => {
    expect(render({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, lookup)).toBe('b');
  });
});
