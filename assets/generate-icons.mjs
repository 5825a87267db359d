// Generates the tray and app icons as PNG files with nothing but zlib: `node assets/generate-icons.mjs`.
// Shapes tell the tray states apart (so the monochrome macOS template images work, and colour is never the only
// cue): ok = filled disc, low = ring with a lower half filled, exhausted = empty ring, paused = two bars.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** Encodes RGBA pixels (size × size × 4 bytes) as a PNG. */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Rasterises `paint(x, y) → [r, g, b, a] | null` over a unit square (0..1) with 4×4 supersampling.
 * Colours are straight (not premultiplied); coverage becomes alpha.
 */
function render(size, paint) {
  const out = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = paint((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!c) continue;
          const w = c[3] / 255;
          r += c[0] * w;
          g += c[1] * w;
          b += c[2] * w;
          a += w;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return out;
}

const dist = (x, y) => Math.hypot(x - 0.5, y - 0.5);
const SHAPES = {
  ok: (x, y) => dist(x, y) <= 0.42,
  low: (x, y) => {
    const d = dist(x, y);
    return (d <= 0.42 && d >= 0.3) || (d < 0.3 && y >= 0.56);
  },
  exhausted: (x, y) => {
    const d = dist(x, y);
    return d <= 0.42 && d >= 0.3;
  },
  paused: (x, y) => y >= 0.16 && y <= 0.84 && ((x >= 0.24 && x <= 0.42) || (x >= 0.58 && x <= 0.76)),
};
const COLOURS = {
  ok: [46, 157, 87, 255],
  low: [224, 161, 0, 255],
  exhausted: [214, 69, 65, 255],
  paused: [138, 138, 138, 255],
};
const BLACK = [0, 0, 0, 255];

for (const [state, inside] of Object.entries(SHAPES)) {
  for (const [size, suffix] of [
    [16, ''],
    [32, '@2x'],
  ]) {
    const coloured = render(size, (x, y) => (inside(x, y) ? COLOURS[state] : null));
    writeFileSync(join(here, `tray-${state}${suffix}.png`), png(size, coloured));
    const template = render(size, (x, y) => (inside(x, y) ? BLACK : null));
    writeFileSync(join(here, `tray-${state}Template${suffix}.png`), png(size, template));
  }
}

// The app icon: a rounded square in deep blue with a white ring and a filled centre — "a pool of accounts".
const APP_BG = [31, 58, 147, 255];
const WHITE = [255, 255, 255, 255];
const roundedSquare = (x, y, margin, radius) => {
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - margin - radius), 0);
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - margin - radius), 0);
  return Math.hypot(qx, qy) <= radius;
};
const appIcon = render(1024, (x, y) => {
  if (!roundedSquare(x, y, 0.08, 0.18)) return null;
  const d = dist(x, y);
  if ((d <= 0.3 && d >= 0.22) || d <= 0.11) return WHITE;
  return APP_BG;
});
writeFileSync(join(here, 'icon.png'), png(1024, appIcon));
