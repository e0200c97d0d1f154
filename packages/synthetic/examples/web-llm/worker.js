// The web-llm engine lives in this worker, so generation does not block the page.
import { WebWorkerMLCEngineHandler } from "@mlc-ai/web-llm"

const handler = new WebWorkerMLCEngineHandler()
self.onmessage = (message) => handler.onmessage(message)
