// kinesalite and dynalite ship no types; the local cloud uses only their factories, which return
// the http.Server they answer on.
declare module 'kinesalite' {
  import type { Server } from 'node:http';

  function kinesalite(options?: Record<string, unknown>): Server;
  export = kinesalite;
}
declare module 'dynalite' {
  import type { Server } from 'node:http';

  function dynalite(options?: Record<string, unknown>): Server;
  export = dynalite;
}
