/**
 * An OpenAI-compatible HTTP server for a {@link LanguageModel} on `node:http`: the official
 * `openai` client, editors' completion plugins and anything else that speaks the OpenAI API can
 * call a model trained here.
 *
 * ```ts
 * const server = await Server.start({ model, tokenizer, port: 8000, modelName: "tiny-coder" })
 * const client = new OpenAI({ baseURL: server.url, apiKey: "none" })
 * const out = await client.completions.create({ model: "tiny-coder", prompt: "def add(a, b):\n", max_tokens: 32, temperature: 0 })
 * await server.close()
 * ```
 *
 * Routes: `GET /v1/models`, `GET /v1/models/{id}`, `POST /v1/completions`,
 * `POST /v1/chat/completions`; anything else is a 404 in OpenAI's error JSON. Requests queue and
 * run one at a time, so concurrent requests wait rather than fail.
 *
 * @since 0.1.0
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import type { Tokenizer } from "@pretrain/tokenizer"
import { Data, Effect } from "effect"
import type { Scope } from "effect"
import type { LanguageModel } from "../LanguageModel.ts"
import { ApiError, methodNotAllowed, modelNotFound, serverError, unknownUrl } from "./ApiError.ts"
import * as Endpoints from "./Endpoints.ts"
import { corsHeaders, readJson, sendError, sendJson } from "./Http.ts"
import { Queue } from "./Queue.ts"

/** @since 0.1.0 @category models */
export interface ServerOptions {
  readonly model: LanguageModel
  readonly tokenizer: Tokenizer
  /** The name clients pass as `model` (default `"pretrain"`). */
  readonly modelName?: string | undefined
  /** TCP port (default 8000; 0 picks a free one). */
  readonly port?: number | undefined
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string | undefined
  /** Largest request body in bytes (default 8 MiB). */
  readonly maxBodyBytes?: number | undefined
  /**
   * Cut prompts that do not fit the context (keeping the text nearest the completion) instead of
   * answering 400 `context_length_exceeded` (default `false`).
   */
  readonly truncatePrompts?: boolean | undefined
}

/** @since 0.1.0 @category models */
export interface RunningServer {
  /** The bound port (the chosen one when `port` was 0). */
  readonly port: number
  readonly host: string
  /** The API base URL, `http://host:port/v1`, for an OpenAI client's `baseURL`. */
  readonly url: string
  /** Requests waiting or running. */
  readonly pending: () => number
  /** Stop listening and drop open connections (streams in progress end). */
  close(): Promise<void>
}

/**
 * The server could not listen (port in use, no permission, unknown host).
 *
 * @since 0.1.0 @category errors
 */
export class ServerStartError extends Data.TaggedError("ServerStartError")<{
  readonly host: string
  readonly port: number
  readonly reason: string
}> {
  override get message() {
    return `cannot listen on ${this.host}:${this.port}: ${this.reason}`
  }
}

const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024

type Route = (ctx: Endpoints.ServingContext, req: http.IncomingMessage, res: http.ServerResponse, limit: number) => Promise<void> | void

const post = (endpoint: (ctx: Endpoints.ServingContext, body: unknown, res: http.ServerResponse) => Promise<void>): Route => async (ctx, req, res, limit) =>
  endpoint(ctx, await readJson(req, limit), res)

const routes: ReadonlyArray<readonly [RegExp, string, Route]> = [
  [/^\/v1\/models$/, "GET", (ctx, _req, res) => sendJson(res, 200, Endpoints.models(ctx))],
  [/^\/v1\/models\/(.+)$/, "GET", (ctx, req, res) => {
    const id = decodeURIComponent(pathOf(req).slice("/v1/models/".length))
    if (id !== ctx.modelName) throw modelNotFound(id)
    sendJson(res, 200, Endpoints.model(ctx))
  }],
  [/^\/v1\/completions$/, "POST", post(Endpoints.completions)],
  [/^\/v1\/chat\/completions$/, "POST", post(Endpoints.chatCompletions)]
]

const pathOf = (req: http.IncomingMessage): string => {
  const url = req.url ?? "/"
  const q = url.indexOf("?")
  const path = q < 0 ? url : url.slice(0, q)
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path
}

/**
 * What the endpoints serve, with a fresh request queue: `listener(context({ model, tokenizer }))`
 * mounts the API on a server of your own.
 *
 * @since 0.1.0 @category constructors
 */
export const context = (options: Pick<ServerOptions, "model" | "tokenizer" | "modelName" | "truncatePrompts">): Endpoints.ServingContext => ({
  model: options.model,
  tokenizer: options.tokenizer,
  modelName: options.modelName ?? "pretrain",
  created: Math.floor(Date.now() / 1000),
  queue: new Queue(),
  truncatePrompts: options.truncatePrompts ?? false
})

/**
 * The request listener, for mounting the API on a `node:http` server of your own.
 *
 * @since 0.1.0 @category constructors
 */
export const listener = (ctx: Endpoints.ServingContext, maxBodyBytes = DEFAULT_BODY_LIMIT): http.RequestListener => (req, res) => {
  const method = req.method ?? "GET"
  const path = pathOf(req)
  const handle = async (): Promise<void> => {
    if (method === "OPTIONS") {
      res.writeHead(204, corsHeaders)
      res.end()
      return
    }
    const matching = routes.filter(([re]) => re.test(path))
    if (matching.length === 0) throw unknownUrl(method, path)
    const route = matching.find(([, m]) => m === method)
    if (route === undefined) throw methodNotAllowed(method, path)
    await route[2](ctx, req, res, maxBodyBytes)
  }
  handle().catch((e: unknown) => {
    sendError(res, e instanceof ApiError ? e : serverError(e))
    // An unread body must not hold the connection.
    if (!req.complete) req.resume()
  })
}

/**
 * Listen on `host:port` and serve the model. Rejects with {@link ServerStartError}.
 *
 * @since 0.1.0 @category constructors
 */
export const start = (options: ServerOptions): Promise<RunningServer> => {
  const host = options.host ?? "127.0.0.1"
  const requested = options.port ?? 8000
  const ctx = context(options)
  const queue = ctx.queue
  const server = http.createServer(listener(ctx, options.maxBodyBytes ?? DEFAULT_BODY_LIMIT))
  return new Promise((resolve, reject) => {
    server.once("error", (e) => reject(new ServerStartError({ host, port: requested, reason: e.message })))
    server.listen(requested, host, () => {
      const port = (server.address() as AddressInfo).port
      const urlHost = host.includes(":") ? `[${host}]` : host
      resolve({
        port,
        host,
        url: `http://${urlHost}:${port}/v1`,
        pending: () => queue.size,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
}

/**
 * {@link start} as a scoped Effect: the server closes when the scope does.
 *
 * @since 0.1.0 @category constructors
 */
export const scoped = (options: ServerOptions): Effect.Effect<RunningServer, ServerStartError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => start(options),
      catch: (e) => e instanceof ServerStartError ? e : new ServerStartError({ host: options.host ?? "127.0.0.1", port: options.port ?? 8000, reason: String(e) })
    }),
    (server) => Effect.promise(() => server.close())
  )
