// kinesalite and dynalite ship no types; the local cloud uses only their factories, which return
// the http.Server they answer on.
declare module 'kinesalite' {
  function kinesalite(options?: Record<string, unknown>): import('node:http').Server;
  export = kinesalite;
}
declare module 'dynalite' {
  function dynalite(options?: Record<string, unknown>): import('node:http').Server;
  export = dynalite;
}
