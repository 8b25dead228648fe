// Checks the two icons the way the Teams store validation does: exact sizes, a transparent white outline.
import { PNG } from 'pngjs';

export function iconProblems(role: 'color' | 'outline', file: string, bytes: Buffer | undefined): string[] {
  if (!bytes) return [`icons.${role}: ${file} not found`];
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    return [`icons.${role}: ${file} is not a readable PNG (${(error as Error).message})`];
  }
  const want = role === 'color' ? 192 : 32;
  const problems: string[] = [];
  if (png.width !== want || png.height !== want) {
    problems.push(`icons.${role}: ${file} is ${png.width}×${png.height}; Teams needs ${want}×${want}`);
  }
  if (role === 'outline') {
    let transparent = 0;
    let coloured = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const alpha = png.data[i + 3]!;
      if (alpha === 0) transparent++;
      else if (png.data[i] !== 255 || png.data[i + 1] !== 255 || png.data[i + 2] !== 255) coloured++;
    }
    if (transparent === 0)
      problems.push(`icons.outline: ${file} has no transparent pixels; the background must be transparent`);
    if (coloured > 0)
      problems.push(`icons.outline: ${file} has ${coloured} visible pixels that are not white; use white only`);
  }
  return problems;
}
