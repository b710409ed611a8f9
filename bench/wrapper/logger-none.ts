// No line at all: what the runner's own loop and turns cost, to read the loggers' figures against.
export const write = (i: number) => i;
