/**
 * The few icons the Studio uses, as inline SVG: font glyphs for these are missing on many Linux
 * machines and render as boxes.
 */
const PATHS = {
  step: 'M8 2v8M4.5 6.5 8 10l3.5-3.5M4 13.5h8',
  play: 'M5 3l8 5-8 5z',
  pause: 'M5.5 3v10M10.5 3v10',
  stop: 'M4 4h8v8H4z',
  fork: 'M5 2.5v5.5M11 2.5v2a3 3 0 0 1-3 3H5M5 8v5.5',
  bookmark: 'M4.5 2.5h7v11L8 10.5l-3.5 3z',
  chain: 'M6.5 9.5l3-3M7 4.5l1.2-1.2a2.5 2.5 0 0 1 3.5 3.5L10.5 8M9 11.5l-1.2 1.2a2.5 2.5 0 0 1-3.5-3.5L5.5 8',
  fastForward: 'M2.5 3.5l5.5 4.5-5.5 4.5zM8 3.5l5.5 4.5L8 12.5z',
  fit: 'M2.5 6V2.5H6M10 2.5h3.5V6M13.5 10v3.5H10M6 13.5H2.5V10',
  export: 'M8 10V2.5M5 5.5 8 2.5l3 3M3 9v4.5h10V9',
  download: 'M8 2.5V10M5 7l3 3 3-3M3 9v4.5h10V9',
  artifact: 'M4 1.5h5l3 3v10H4zM9 1.5v3h3M6 8.5h4M6 11h4',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 14 }: { name: IconName; size?: number }) {
  const filled = name === 'play' || name === 'stop' || name === 'fastForward';
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" className="icon" fill={filled ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round">
      <path d={PATHS[name]} />
    </svg>
  );
}
