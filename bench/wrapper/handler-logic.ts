// The business logic every variant runs: read the posted text, log one line, count one metric,
// answer 201 with JSON. Only how it is wrapped, logged and measured differs between variants.
export interface Posted {
  id: string;
  text: string;
}

export const post = (text: string): Posted => ({ id: 'y-1', text });
