/**
 * The benchmark's server, in a process of its own: the trainer's OpenAI-compatible server over a
 * random-weight llama-nano and a tokenizer trained here. Prints its URL, then serves until killed.
 */
import { randomModel, serve, tokenizer } from "../test/fixtures/models.ts"

const tok = tokenizer()
const server = await serve(randomModel(tok, 1024), tok, "random-nano")
console.log(server.url)
