/**
 * Server-sent events: the `data:` payloads of a byte stream, one per event.
 */

/** Yields each event's data (lines of one event joined by "\n"); stops at `[DONE]`. */
export async function* sseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let buffer = ""
  let data: Array<string> = []
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true })
    let nl: number
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, "")
      buffer = buffer.slice(nl + 1)
      if (line === "") {
        if (data.length > 0) {
          const payload = data.join("\n")
          data = []
          if (payload === "[DONE]") return
          yield payload
        }
      } else if (line.startsWith("data:")) {
        data.push(line.slice(line[5] === " " ? 6 : 5))
      }
    }
  }
  if (data.length > 0 && data.join("\n") !== "[DONE]") yield data.join("\n")
}
