import type { UsageBar } from './usage-table.js';

// Each day is a slot 10 units wide and 100 high in the SVG's own coordinates; the SVG stretches
// to the width the stylesheet gives it.
const SLOT = 10;
const BAR = 8;
const HEIGHT = 100;

/**
 * The days as stacked bars (valid below, refused above), scaled to the busiest day. Hidden from
 * screen readers, which get `UsageTable`; each bar's title is a tooltip.
 * @internal
 */
export function UsageBars({ bars }: { bars: readonly UsageBar[] }) {
  const highest = Math.max(...bars.map((day) => day.valid + day.refused));
  return (
    <svg
      data-slot="key-usage-bars"
      viewBox={`0 0 ${bars.length * SLOT} ${HEIGHT}`}
      preserveAspectRatio="none"
      width="100%"
      height="96"
      aria-hidden="true"
      focusable="false"
    >
      {bars.map((day, index) => {
        const validHeight = (day.valid / highest) * HEIGHT;
        const refusedHeight = (day.refused / highest) * HEIGHT;
        const x = index * SLOT + (SLOT - BAR) / 2;
        return (
          <g key={day.date}>
            <title>{`${day.label}: ${day.valid} valid, ${day.refused} refused`}</title>
            {/* the whole slot shows the tooltip, so that a short bar's is easy to reach */}
            <rect x={index * SLOT} y={0} width={SLOT} height={HEIGHT} fill="transparent" />
            <rect
              data-slot="key-usage-valid"
              x={x}
              y={HEIGHT - validHeight}
              width={BAR}
              height={validHeight}
            />
            <rect
              data-slot="key-usage-refused"
              x={x}
              y={HEIGHT - validHeight - refusedHeight}
              width={BAR}
              height={refusedHeight}
            />
          </g>
        );
      })}
    </svg>
  );
}
