#!/usr/bin/env node
/**
 * Entry point of the `pretrain` binary. Node's on-disk compile cache is switched on before the
 * commands load, so every later call skips parsing and compiling the packages' modules again.
 */
import { enableCompileCache } from "node:module"

enableCompileCache()
await import("./main.ts")
