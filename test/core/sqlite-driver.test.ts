import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openSqlite, SQLITE_BINDING_ENV } from '../../src/main/core/sqlite-driver'

const dir = mkdtempSync(join(tmpdir(), 'tc-sqlite-'))
afterEach(() => {
  delete process.env[SQLITE_BINDING_ENV]
})

describe('SQLite driver', () => {
  it('uses the node_modules addon by default and a named addon when the shell sets one', () => {
    const db = openSqlite(join(dir, 'a.sqlite'), {})
    expect(db.prepare('select 1 as one').get()).toEqual({ one: 1 })
    db.close()
    const addon = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node')
    process.env[SQLITE_BINDING_ENV] = addon
    const named = openSqlite(join(dir, 'b.sqlite'), {})
    expect(named.prepare('select 2 as two').get()).toEqual({ two: 2 })
    named.close()
  })

  it('fails clearly when the named addon is missing', () => {
    process.env[SQLITE_BINDING_ENV] = join(dir, 'missing', 'better_sqlite3.node')
    expect(() => openSqlite(join(dir, 'c.sqlite'), {})).toThrow(/Cannot find module|missing/)
    rmSync(dir, { recursive: true, force: true })
  })
})
