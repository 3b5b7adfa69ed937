import { existsSync } from 'node:fs'
import { isoText } from '../../core/data/calendar'
import { MarketStore } from '../../core/store'
import { defaultStorePath } from '../../host/data-folder'
import { parseFlags } from '../args'
import { CliError } from '../cli-error'
import { formatQualityIssues } from '../quality-summary'
import { formatSeriesLine, qualityLine } from './import'

export const DATA_HELP = `theorycraft data list|show|delete [options]

  data list [--store PATH]          the stored series: id, kind, symbol, timeframe, rows, range
  data show ID [--store PATH]       one series: range, chunks, fingerprint, quality report and
                                    every import / append that built it
  data delete ID [--store PATH]     delete a series and its data
  --store PATH     the market-data store (default: the data folder's market-data.sqlite)
  --json           list / show as JSON

Import files with "theorycraft import FILE"; run on a series with "theorycraft backtest --series ID".
`

const FLAGS = {
  store: { type: 'string' },
  json: { type: 'boolean' }
} as const

export async function dataCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(DATA_HELP)
    return sub === undefined ? 2 : 0
  }
  if (!['list', 'show', 'delete'].includes(sub)) throw new CliError(`data: unknown subcommand "${sub}"; expected list, show or delete`)
  const { values: v, positionals } = parseFlags(`data ${sub}`, rest, FLAGS)
  if (v.help) {
    process.stdout.write(DATA_HELP)
    return 0
  }
  const path = v.store ?? defaultStorePath()
  if (!existsSync(path)) {
    if (sub === 'list') {
      process.stdout.write(v.json ? '[]\n' : `no series (no market-data store at ${path} yet; "theorycraft import FILE" creates it)\n`)
      return 0
    }
    throw new CliError(`data ${sub}: no market-data store at ${path}`, 1)
  }
  const id = positionals[0]
  if (sub !== 'list' && !id) throw new CliError(`data ${sub}: give a series ID (see "theorycraft data list")`)
  if (positionals.length > (sub === 'list' ? 0 : 1)) throw new CliError(`data ${sub}: unexpected argument "${positionals[sub === 'list' ? 0 : 1]}"`)
  const store = MarketStore.open(path, { readonly: sub !== 'delete' })
  try {
    if (sub === 'list') {
      const all = store.listSeries()
      if (v.json) process.stdout.write(`${JSON.stringify(all.map(({ quality: _q, ...rest }) => rest), null, 2)}\n`)
      else if (all.length === 0) process.stdout.write('no series\n')
      else for (const s of all) process.stdout.write(`${s.id}\t${formatSeriesLine(s)}\n`)
      return 0
    }
    const info = store.getSeries(id!)
    if (!info) throw new CliError(`data ${sub}: no series "${id}" in ${path}`, 1)
    if (sub === 'delete') {
      store.deleteSeries(info.id)
      process.stdout.write(`deleted ${info.id} (${info.rows} rows)\n`)
      return 0
    }
    const imports = store.seriesImports(info.id)
    if (v.json) {
      process.stdout.write(`${JSON.stringify({ ...info, imports }, null, 2)}\n`)
      return 0
    }
    const lines = [
      `series   ${info.id}`,
      `data     ${formatSeriesLine(info)}`,
      `stored   ${info.chunks} chunk(s); created ${isoText(info.createdAt)}, updated ${isoText(info.updatedAt)}`,
      `source   ${info.sourceFile ?? 'n/a'}`
    ]
    if (info.quality) lines.push(qualityLine(info.quality))
    const created = imports[0]?.report
    lines.push(`${created ? formatQualityIssues(created, 10) : ''}imports`)
    for (const i of imports) {
      const q = i.report?.quality
      lines.push(
        `  ${i.seq}. ${isoText(i.at)} ${i.action} ${i.sourceFile ?? '(no file)'}: ${i.rowsAppended} row(s) stored` +
          (i.action === 'append' ? `, ${i.rowsIdentical} identical, ${i.rowsConflicting} conflicting` : '') +
          (q ? `; quality ${q.policy}: ${q.errors} error(s), ${q.warnings} warning(s)` : '')
      )
    }
    process.stdout.write(`${lines.join('\n')}\n`)
    return 0
  } finally {
    store.close()
  }
}
