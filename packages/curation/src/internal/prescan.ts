/**
 * One pass over a text before PII detection: which secret detectors can match (their trigger words
 * occur), where the anchored ones may match (their anchor words, in any case), and whether the
 * text names an author (the contexts the name finder reads). Everything else runs only where this
 * says so.
 */
import { nameContextWords } from "./contacts.ts"
import { detectors } from "./secrets.ts"
import { scanner, type Word } from "./words.ts"

/** What one scan found. Shared and overwritten by the next {@link prescan}. */
export interface Prescan {
  /** Per detector: 1 when it may match (a trigger or anchor word occurs). */
  readonly armed: Uint8Array
  /** Per anchored detector: where its anchor words start, ascending. */
  readonly starts: ReadonlyArray<ReadonlyArray<number>>
  /** An authorship context occurs (`Copyright`, `@author`, `"author"`, `Author: `, ...). */
  readonly nameContext: boolean
}

// What each scanned word tells: detector k's trigger (k), its anchor (k + ANCHOR), a name context (NAME).
const ANCHOR = 1 << 8
const NAME = 1 << 16
const words: Array<Word> = []
const targets: Array<number> = []
detectors.forEach((d, k) => {
  for (const text of d.trigger?.words ?? []) {
    words.push({ text, anyCase: d.trigger!.anyCase })
    targets.push(k)
  }
  for (const text of d.anchor?.words ?? []) {
    words.push({ text, anyCase: true })
    targets.push(k + ANCHOR)
  }
})
for (const text of nameContextWords) {
  words.push({ text, anyCase: false })
  targets.push(NAME)
}
const scan = scanner(words)

const armed = new Uint8Array(detectors.length)
const starts: Array<Array<number>> = detectors.map(() => [])
const state = { armed, starts, nameContext: false }
const ascending = (a: number, b: number) => a - b

const found = (word: number, start: number): void => {
  const t = targets[word]!
  if (t === NAME) state.nameContext = true
  else if (t >= ANCHOR) {
    armed[t - ANCHOR] = 1
    starts[t - ANCHOR]!.push(start)
  } else armed[t] = 1
}

/** Scan `content` once for every detector's words and the name contexts. */
export const prescan = (content: string): Prescan => {
  armed.fill(0)
  for (const list of starts) list.length = 0
  state.nameContext = false
  scan.scan(content, found)
  for (const list of starts) {
    if (list.length < 2) continue
    list.sort(ascending)
    // Two words can start at one position only if one is a prefix of the other: keep one.
    let w = 1
    for (let r = 1; r < list.length; r++) if (list[r] !== list[w - 1]) list[w++] = list[r]!
    list.length = w
  }
  return state
}
