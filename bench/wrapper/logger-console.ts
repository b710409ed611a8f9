// One log line by hand: JSON.stringify through console.log.
export const write = (i: number) => console.log(JSON.stringify({ level: 'info', message: 'posted', timestamp: new Date().toISOString(), yublId: `y-${i}` }));
