// Maintainer tool, not part of setup or the tests: rasterises public/icon.svg into the app's PNG icons, after a
// change to the mark. Run `node scripts/icons.mjs` from the repository (needs `npm ci` and the Chromium that
// scripts/setup.sh installs; CHROMIUM=path for another) and commit the PNGs it rewrites:
//   public/icon-192.png, public/icon-512.png   the manifest's icons ("any" and "maskable": the mark keeps to the
//                                              central 80%, the background fills the square)
//   public/apple-touch-icon.png                180 × 180 for iOS' home screen
// Every PNG is written opaque (RGB, no alpha channel): iOS draws transparency black and a maskable icon must fill
// its square. Chromium draws the SVG on a canvas at each size; the PNG is encoded here.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { launchBrowser } from '../tests/e2e/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const publicDir = path.join(root, 'public');
const svg = readFileSync(path.join(publicDir, 'icon.svg'));
const BACKGROUND = '#fffdf7';
const OUTPUTS = [['icon-192.png', 192], ['icon-512.png', 512], ['apple-touch-icon.png', 180]];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
/** An 8-bit RGB PNG of `size` × `size` from RGBA pixels whose alpha is all 255. */
function encodePng(size, rgba) {
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3); // filter byte 0 (none), then the row's RGB
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      if (rgba[from + 3] !== 255) throw new Error(`pixel ${x},${y} is not opaque`);
      raw[row + 1 + x * 3] = rgba[from];
      raw[row + 2 + x * 3] = rgba[from + 1];
      raw[row + 3 + x * 3] = rgba[from + 2];
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><body></body>');
  for (const [name, size] of OUTPUTS) {
    const pixels = await page.evaluate(async ({ source, size, background }) => {
      const image = new Image(size, size);
      image.src = `data:image/svg+xml;base64,${source}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = size;
      const context = canvas.getContext('2d');
      // Under the mark, so an edge pixel the SVG leaves partly transparent still comes out opaque.
      context.fillStyle = background;
      context.fillRect(0, 0, size, size);
      context.drawImage(image, 0, 0, size, size);
      return Array.from(context.getImageData(0, 0, size, size).data);
    }, { source: svg.toString('base64'), size, background: BACKGROUND });
    const png = encodePng(size, pixels);
    writeFileSync(path.join(publicDir, name), png);
    console.log(`public/${name}: ${size}×${size}, ${png.length} bytes`);
  }
} finally {
  await browser.close();
}
