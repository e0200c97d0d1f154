/**
 * Lazy imports of optional peer dependencies, failing with a typed error naming the package.
 */
import { Effect } from "effect"
import { BackendUnavailable } from "../Errors.ts"

/** `import(specifier)` at run time (kept out of the type graph), or {@link BackendUnavailable}. */
export const importOptional = <A>(backend: string, specifier: string): Effect.Effect<A, BackendUnavailable> =>
  Effect.tryPromise({
    try: () => import(/* @vite-ignore */ specifier as string) as Promise<A>,
    catch: (e) =>
      new BackendUnavailable({
        backend,
        reason: `the optional peer dependency ${specifier} cannot be loaded (npm install ${specifier}): ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`
      })
  })
