/** A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF; rows keep their line number. */
export interface CsvRow {
  readonly line: number
  readonly cells: Array<string>
}

export const parseCsv = (text: string): Array<CsvRow> => {
  const rows: Array<CsvRow> = []
  let cells: Array<string> = []
  let field = ""
  let quoted = false
  let line = 1
  let rowLine = 1
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (quoted) {
      if (ch === "\"") {
        if (body[i + 1] === "\"") {
          field += "\""
          i++
        } else {
          quoted = false
        }
      } else {
        if (ch === "\n") line++
        field += ch
      }
    } else if (ch === "\"") {
      quoted = true
    } else if (ch === ",") {
      cells.push(field)
      field = ""
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i++
      cells.push(field)
      rows.push({ line: rowLine, cells })
      cells = []
      field = ""
      line++
      rowLine = line
    } else {
      field += ch
    }
  }
  if (field !== "" || cells.length > 0) {
    cells.push(field)
    rows.push({ line: rowLine, cells })
  }
  return rows
}
