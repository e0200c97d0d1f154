/**
 * Errors as the OpenAI API reports them: an HTTP status and the JSON body
 * `{"error": {"message", "type", "param", "code"}}` that OpenAI clients turn into typed exceptions
 * (`BadRequestError` for 400, `NotFoundError` for 404, ...).
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * A request the server answers with an error.
 *
 * @since 0.1.0 @category errors
 */
export class ApiError extends Data.TaggedError("ApiError")<{
  readonly status: number
  readonly reason: string
  /** OpenAI's error type: `invalid_request_error` for 4xx, `server_error` for 5xx. */
  readonly type: string
  /** The request field at fault, if one is. */
  readonly param: string | null
  readonly code: string | null
}> {
  override get message() {
    return this.reason
  }

  /** The response body. */
  get body(): { readonly error: { readonly message: string; readonly type: string; readonly param: string | null; readonly code: string | null } } {
    return { error: { message: this.reason, type: this.type, param: this.param, code: this.code } }
  }
}

/** 400: a field is missing, of the wrong type or out of range. @since 0.1.0 @category constructors */
export const badRequest = (reason: string, param: string | null = null, code: string | null = "invalid_value"): ApiError =>
  new ApiError({ status: 400, reason, type: "invalid_request_error", param, code })

/** 404: no such model. @since 0.1.0 @category constructors */
export const modelNotFound = (model: string): ApiError =>
  new ApiError({ status: 404, reason: `The model \`${model}\` does not exist`, type: "invalid_request_error", param: "model", code: "model_not_found" })

/** 404: no such route. @since 0.1.0 @category constructors */
export const unknownUrl = (method: string, url: string): ApiError =>
  new ApiError({ status: 404, reason: `Unknown request URL: ${method} ${url}`, type: "invalid_request_error", param: null, code: "unknown_url" })

/** 405: a known route with the wrong method. @since 0.1.0 @category constructors */
export const methodNotAllowed = (method: string, url: string): ApiError =>
  new ApiError({ status: 405, reason: `Method ${method} is not allowed for ${url}`, type: "invalid_request_error", param: null, code: "method_not_allowed" })

/** 413: the body exceeds the limit. @since 0.1.0 @category constructors */
export const tooLarge = (limit: number): ApiError =>
  new ApiError({ status: 413, reason: `The request body exceeds ${limit} bytes`, type: "invalid_request_error", param: null, code: "request_too_large" })

/** 500: a failure inside the server (the model threw). @since 0.1.0 @category constructors */
export const serverError = (cause: unknown): ApiError =>
  new ApiError({ status: 500, reason: `The server failed: ${cause instanceof Error ? cause.message : String(cause)}`, type: "server_error", param: null, code: null })
