// Renders the app icon from its one source, resources/icon/icon.svg, into what each platform's
// package needs: PNGs of every size (resources/icon/png/NxN.png; Linux takes the folder), a
// Windows .ico and a macOS .icns built from those PNGs. The SVG is rasterised by Chromium (the
// Debian one the browser tests use; THEORYCRAFT_CHROMIUM overrides the path) through
// playwright-core, so no image tool needs to be installed. Run: node scripts/make-icons.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const root = fileURLToPath(new URL('..', import.meta.url))
const iconDir = join(root, 'resources', 'icon')
const pngDir = join(iconDir, 'png')
export const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
/** .ico entries: Windows picks among these for the taskbar, title bar, explorer and installer */
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
/** .icns types that hold PNG data, by pixel size (icp4/icp5 need macOS 10.7+, as Electron does) */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024]
]

const svg = readFileSync(join(iconDir, 'icon.svg'))
const executablePath = process.env.THEORYCRAFT_CHROMIUM ?? '/usr/bin/chromium'
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
const pngs = new Map()
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 })
  const src = `data:image/svg+xml;base64,${svg.toString('base64')}`
  mkdirSync(pngDir, { recursive: true })
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size })
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent"><img id="i" src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`)
    await page.locator('#i').evaluate((img) => img.decode())
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
    writeFileSync(join(pngDir, `${size}x${size}.png`), png)
    pngs.set(size, png)
  }
} finally {
  await browser.close()
}

writeFileSync(join(iconDir, 'icon.png'), pngs.get(512))
writeFileSync(join(iconDir, 'icon.ico'), ico(ICO_SIZES.map((s) => [s, pngs.get(s)])))
writeFileSync(join(iconDir, 'icon.icns'), icns(ICNS_TYPES.map(([type, s]) => [type, pngs.get(s)])))
console.log(`icons written to ${iconDir}: png/{${SIZES.join(',')}}, icon.png, icon.ico, icon.icns`)

/** ICO: a 6-byte header, one 16-byte entry per image, then the images (PNG-compressed entries, Vista+). */
function ico(images) {
  const header = Buffer.alloc(6)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2) // 1 = icon
  header.writeUInt16LE(images.length, 4)
  let offset = 6 + 16 * images.length
  const entries = images.map(([size, png]) => {
    const e = Buffer.alloc(16)
    e.writeUInt8(size >= 256 ? 0 : size, 0) // 0 means 256
    e.writeUInt8(size >= 256 ? 0 : size, 1)
    e.writeUInt8(0, 2) // no palette
    e.writeUInt8(0, 3)
    e.writeUInt16LE(1, 4) // colour planes
    e.writeUInt16LE(32, 6) // bits per pixel
    e.writeUInt32LE(png.length, 8)
    e.writeUInt32LE(offset, 12)
    offset += png.length
    return e
  })
  return Buffer.concat([header, ...entries, ...images.map(([, png]) => png)])
}

/** ICNS: "icns" + total length, then per image a 4-char type, its length (header included) and the PNG. */
function icns(images) {
  const chunks = images.map(([type, png]) => {
    const head = Buffer.alloc(8)
    head.write(type, 0, 'ascii')
    head.writeUInt32BE(png.length + 8, 4)
    return Buffer.concat([head, png])
  })
  const body = Buffer.concat(chunks)
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'ascii')
  head.writeUInt32BE(body.length + 8, 4)
  return Buffer.concat([head, body])
}
