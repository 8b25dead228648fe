// Draws the Teams app icons for this bot: a shield with a check mark (governed, approved).
// color.png: 192×192, white symbol on a full-bleed brand colour. outline.png: 32×32, white on transparent.
// Run `npx tsx scripts/make-icons.ts` after changing the drawing; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { projectRoot } from '../src/project-root.js';

const BRAND = { r: 0x4f, g: 0x3b, b: 0xa3 }; // a deep violet, close to the Power Platform family

/** Half-width of the shield at height v (v from -1 top to +1 bottom, in shield units). */
function shieldHalfWidth(v: number): number {
  if (v < -0.78 || v > 0.92) return -1;
  if (v <= 0.15) return 0.7 - 0.08 * Math.max(0, -0.5 - v) * 2; // slight taper at the shoulders
  const t = (v - 0.15) / 0.77;
  return 0.7 * Math.sqrt(Math.max(0, 1 - t * t));
}

function distanceToSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

function inShield(u: number, v: number, inset = 0): boolean {
  const w = shieldHalfWidth(v);
  return w > inset && Math.abs(u) <= w - inset && v >= -0.78 + inset && v <= 0.92 - inset * 1.6;
}

function onCheck(u: number, v: number, stroke: number): boolean {
  return (
    distanceToSegment(u, v, -0.32, 0.02, -0.08, 0.28) <= stroke ||
    distanceToSegment(u, v, -0.08, 0.28, 0.36, -0.26) <= stroke
  );
}

/** Coverage of one pixel (0..1) by supersampling a boolean shape. */
function coverage(size: number, x: number, y: number, scale: number, shape: (u: number, v: number) => boolean): number {
  const n = 4;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const u = ((x + (i + 0.5) / n) / size - 0.5) * 2 * scale;
      const v = ((y + (j + 0.5) / n) / size - 0.5) * 2 * scale;
      if (shape(u, v)) hits++;
    }
  }
  return hits / (n * n);
}

function draw(size: number, paint: (x: number, y: number) => [number, number, number, number]): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = paint(x, y);
      const i = (y * size + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = a;
    }
  }
  return PNG.sync.write(png);
}

export function colorIcon(): Buffer {
  const size = 192;
  return draw(size, (x, y) => {
    // White shield with the check mark cut out in the brand colour, on a full-bleed brand background.
    const white = coverage(size, x, y, 1.55, (u, v) => inShield(u, v) && !onCheck(u, v, 0.09));
    const mix = (c: number) => Math.round(c + (255 - c) * white);
    return [mix(BRAND.r), mix(BRAND.g), mix(BRAND.b), 255];
  });
}

export function outlineIcon(): Buffer {
  const size = 32;
  return draw(size, (x, y) => {
    // A white shield outline with a white check inside; everything else transparent.
    const a = coverage(size, x, y, 1.12, (u, v) => (inShield(u, v) && !inShield(u, v, 0.17)) || onCheck(u, v, 0.1));
    return [255, 255, 255, Math.round(255 * a)];
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = join(projectRoot(), 'manifest');
  writeFileSync(join(dir, 'color.png'), colorIcon());
  writeFileSync(join(dir, 'outline.png'), outlineIcon());
  console.log(`wrote ${join(dir, 'color.png')} and ${join(dir, 'outline.png')}`);
}
