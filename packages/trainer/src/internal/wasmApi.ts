/** The parts of the WebAssembly JS API used here (the ES lib this package compiles against does not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

export interface WasmModule {
  readonly __brand?: "WasmModule"
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>
}

interface WasmApi {
  readonly Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory
  readonly Module: new (bytes: Uint8Array) => WasmModule
  readonly Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance
}

export const wasm = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly
