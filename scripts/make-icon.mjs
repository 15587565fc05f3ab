#!/usr/bin/env node
// Draws the Certbench icon (a certificate card with a seal on a blue rounded square) and writes
// build/icons/icon.png (512x512), icon.ico (16-256, PNG entries) and icon.icns (128-512, PNG entries).
// Written byte by byte with node:zlib because no image tool can be downloaded on the build machines
// (reference/electron-offline-notes.md); electron-builder reads these files as they are.
// Run: node scripts/make-icon.mjs (the outputs are committed; rerun only to change the design).
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'build', 'icons');

/** Signed distance to a rounded rectangle centred at (cx, cy); negative inside. */
function roundedRect(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - halfW + radius;
  const qy = Math.abs(y - cy) - halfH + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Colour of one point in a 1x1 design space; returns [r, g, b, a] in 0..1 or null (transparent). */
function shade(x, y) {
  const layers = [];
  // Background: rounded square, vertical blue gradient.
  if (roundedRect(x, y, 0.5, 0.5, 0.46, 0.46, 0.11) <= 0) {
    const t = y;
    layers.push([0.13 + 0.05 * t, 0.39 - 0.1 * t, 0.78 - 0.14 * t, 1]);
  } else return null;
  // Certificate card.
  if (roundedRect(x, y, 0.47, 0.45, 0.28, 0.2, 0.03) <= 0) layers.push([0.98, 0.98, 1, 1]);
  // Text lines on the card.
  for (const [ly, w] of [
    [0.34, 0.34],
    [0.42, 0.26],
    [0.5, 0.3],
  ]) {
    if (roundedRect(x, y, 0.26 + w / 2, ly, w / 2, 0.018, 0.018) <= 0) layers.push([0.55, 0.63, 0.76, 1]);
  }
  // Seal: ribbon tails, then the disc with a ring.
  const sx = 0.66;
  const sy = 0.6;
  for (const dir of [-1, 1]) {
    const tx = sx + dir * 0.045;
    if (Math.abs(x - tx) < 0.035 && y > sy && y < sy + 0.2 - Math.abs(x - tx) * 0.8) layers.push([0.85, 0.22, 0.2, 1]);
  }
  const d = Math.hypot(x - sx, y - sy);
  if (d <= 0.1) layers.push([0.93, 0.3, 0.25, 1]);
  if (d <= 0.072 && d >= 0.058) layers.push([1, 0.85, 0.8, 1]);
  return layers[layers.length - 1];
}

/** Render at `size` pixels with 4x4 supersampling so edges are smooth at every size. */
function render(size) {
  const px = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sj = 0; sj < n; sj++) {
        for (let si = 0; si < n; si++) {
          const c = shade((i + (si + 0.5) / n) / size, (j + (sj + 0.5) / n) / size);
          if (!c) continue;
          r += c[0] * c[3];
          g += c[1] * c[3];
          b += c[2] * c[3];
          a += c[3];
        }
      }
      const o = (j * size + i) * 4;
      px[o] = a ? Math.round((r / a) * 255) : 0;
      px[o + 1] = a ? Math.round((g / a) * 255) : 0;
      px[o + 2] = a ? Math.round((b / a) * 255) : 0;
      px[o + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return encodePng(size, px);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, k) => {
  let c = k;
  for (let i = 0; i < 8; i++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** PNG (RFC 2083): 8-bit RGBA, filter 0 on every row. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** ICO with PNG-compressed entries (supported since Windows Vista); 256 is written as 0. */
function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** ICNS with PNG entries: ic07 128, ic08 256, ic09 512 (and ic10 = 512@2x is omitted). */
function encodeIcns(images) {
  const types = { 128: 'ic07', 256: 'ic08', 512: 'ic09' };
  const parts = images.map(({ size, png }) => {
    const h = Buffer.alloc(8);
    h.write(types[size], 0, 'ascii');
    h.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([h, png]);
  });
  const body = Buffer.concat(parts);
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'ascii');
  h.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([h, body]);
}

mkdirSync(outDir, { recursive: true });
const bySize = new Map([16, 24, 32, 48, 64, 128, 256, 512].map((s) => [s, render(s)]));
writeFileSync(path.join(outDir, 'icon.png'), bySize.get(512));
writeFileSync(path.join(outDir, 'icon.ico'), encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: bySize.get(size) }))));
writeFileSync(path.join(outDir, 'icon.icns'), encodeIcns([128, 256, 512].map((size) => ({ size, png: bySize.get(size) }))));
console.error(`certbench: icons written to ${path.relative(root, outDir)}`);
