/**
 * The SPDX id of a license text (a `LICENSE`, `COPYING` or `LICENCE` file), from the phrases that
 * distinguish the common licenses, for repositories whose package metadata names none. Matching is
 * on the text with whitespace collapsed and case ignored: first the titles in the first 300
 * characters (GPL family by title and version, MPL, Apache, EPL; their bodies cite each other), then
 * body phrases, first match wins (ISC is told from 0BSD by its notice condition, BSD-3 from BSD-2 by
 * its "Neither the name" clause).
 *
 * ```ts
 * LicenseText.identify(fs.readFileSync("node_modules/tslib/LICENSE.txt", "utf8")) // "0BSD"
 * ```
 *
 * @since 0.1.0
 */
import { NodeModules } from "@pretrain/dataflow"

/** Licenses known by their title: matched in the first 300 characters only (texts cite each other). */
const titles: ReadonlyArray<readonly [id: string, all: ReadonlyArray<string>]> = [
  ["AGPL-3.0", ["gnu affero general public license", "version 3"]],
  ["LGPL-3.0", ["gnu lesser general public license", "version 3"]],
  ["LGPL-2.1", ["gnu lesser general public license", "version 2.1"]],
  ["GPL-3.0", ["gnu general public license", "version 3"]],
  ["GPL-2.0", ["gnu general public license", "version 2"]],
  ["MPL-2.0", ["mozilla public license", "2.0"]],
  ["Apache-2.0", ["apache license", "version 2.0"]],
  ["EPL-2.0", ["eclipse public license", "2.0"]]
]

/** Licenses known by a phrase of their body, anywhere in the text. */
const bodies: ReadonlyArray<readonly [id: string, all: ReadonlyArray<string>]> = [
  ["Unlicense", ["this is free and unencumbered software released into the public domain"]],
  ["CC0-1.0", ["cc0 1.0 universal"]],
  ["BlueOak-1.0.0", ["blue oak model license"]],
  ["BSL-1.0", ["boost software license"]],
  ["MIT", ["permission is hereby granted, free of charge, to any person obtaining a copy"]],
  ["ISC", ["permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted, provided that the above copyright notice and this permission notice appear in all copies"]],
  ["0BSD", ["permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted"]],
  ["BSD-3-Clause", ["redistribution and use in source and binary forms", "neither the name"]],
  ["BSD-2-Clause", ["redistribution and use in source and binary forms"]]
]

/**
 * The SPDX id of a license text, or `null` when no rule matches.
 *
 * @since 0.1.0 @category utils
 */
export const identify = (text: string): string | null => {
  const flat = text.slice(0, 20_000).replace(/\s+/g, " ").toLowerCase()
  const head = flat.slice(0, 300)
  for (const [id, all] of titles) if (all.every((phrase) => head.includes(phrase))) return id
  for (const [id, all] of bodies) if (all.every((phrase) => flat.includes(phrase))) return id
  return null
}

const licenseFile = /(?:^|\/)(?:licen[cs]e|copying)(?:[-._](?!(?:[cm]?js|tsx?|jsx|py|rb|go|rs|java|c|h|cpp|json|ya?ml|d\.ts)$)[\w.-]*)?$/i

/**
 * Is this path a license file (`LICENSE`, `LICENCE`, `COPYING`, also `LICENSE.md`, `LICENSE-MIT`,
 * `COPYING.LIB`), not source code named after licenses (`license.ts`)?
 *
 * @since 0.1.0 @category utils
 */
export const isLicenseFile = (path: string): boolean => licenseFile.test(path)

/**
 * The license id and The Stack's license type of a license text.
 *
 * @since 0.1.0 @category utils
 */
export const classify = (text: string): { readonly license: string | null; readonly licenseType: NodeModules.LicenseType } => {
  const license = identify(text)
  return { license, licenseType: license === null ? "no_license" : NodeModules.classifyLicenseExpression(license).licenseType }
}
