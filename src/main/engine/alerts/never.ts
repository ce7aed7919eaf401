/**
 * The exhaustiveness check for the alert code's union switches. The engine's
 * own copy lives in engine.ts, which will import the alert service: importing
 * it from here would make a cycle engine -> alerts -> engine (and pull the
 * whole engine into the benchmark), so this one stays until the helper moves
 * to a module of its own.
 */
export function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`)
}
