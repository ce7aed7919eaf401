/** Exhaustiveness, checked by the compiler and at run time: a union case nobody handled. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`)
}
