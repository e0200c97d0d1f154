/**
 * HTTP plumbing of the server on `node:http`: reading a JSON body with a size limit, JSON and error
 * responses, and server-sent events as OpenAI streams them (`data: {json}\n\n`, then
 * `data: [DONE]\n\n`).
 *
 * @since 0.1.0
 */
import type * as http from "node:http"
import { type ApiError, badRequest, tooLarge } from "./ApiError.ts"

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, content-type, openai-organization, openai-project",
  "access-control-allow-methods": "GET, POST, OPTIONS"
} as const

/** Headers every response carries (browsers may call the server from any page). @since 0.1.0 @category constants */
export const corsHeaders: Readonly<Record<string, string>> = CORS

/**
 * The parsed JSON body. Rejects with a 413 {@link ApiError} past `limit` bytes and a 400 for text
 * that is not JSON.
 *
 * @since 0.1.0 @category reading
 */
export const readJson = (req: http.IncomingMessage, limit: number): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    let failed = false
    req.on("data", (chunk: Buffer) => {
      if (failed) return
      size += chunk.length
      if (size > limit) {
        failed = true
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    })
    req.on("error", (e) => {
      if (!failed) reject(e)
      failed = true
    })
    req.on("end", () => {
      if (failed) return
      const text = Buffer.concat(chunks).toString("utf8")
      try {
        resolve(JSON.parse(text))
      } catch (e) {
        reject(badRequest(`The request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, null, "invalid_json"))
      }
    })
  })

/** Send one JSON response. @since 0.1.0 @category writing */
export const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void => {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...CORS, ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) })
  res.end(text)
}

/**
 * Answer with an error: its JSON body, or, once a stream has started, an SSE event carrying it
 * (OpenAI clients raise it as an `APIError`) and the end of the stream.
 *
 * @since 0.1.0 @category writing
 */
export const sendError = (res: http.ServerResponse, error: ApiError): void => {
  if (res.writableEnded || res.destroyed) return
  if (res.headersSent) {
    res.end(`data: ${JSON.stringify(error.body)}\n\n`)
    return
  }
  sendJson(res, error.status, error.body, error.status === 405 ? { allow: "GET, POST" } : {})
}

/**
 * A server-sent-event stream on a response. `send` waits when the socket's buffer is full.
 *
 * @since 0.1.0 @category writing
 */
export class EventStream {
  private readonly res: http.ServerResponse

  constructor(res: http.ServerResponse) {
    this.res = res
    res.writeHead(200, { ...CORS, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" })
    res.flushHeaders()
  }

  /** True once the client has gone. */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded
  }

  /** Send one event with a JSON payload. */
  async send(data: unknown): Promise<void> {
    if (this.closed) return
    if (!this.res.write(`data: ${JSON.stringify(data)}\n\n`)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.res.off("drain", done)
          this.res.off("close", done)
          resolve()
        }
        this.res.on("drain", done)
        this.res.on("close", done)
      })
    }
  }

  /** Send `data: [DONE]` and end the response. */
  done(): void {
    if (!this.closed) this.res.end("data: [DONE]\n\n")
  }
}
