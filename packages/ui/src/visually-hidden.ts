import type { CSSProperties } from 'react';

/**
 * Hides text from the eye but not from screen readers. Inline rather than in the stylesheet, so
 * that it holds in a host that does not load the stylesheet.
 * @internal
 */
export const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clipPath: 'inset(50%)',
  whiteSpace: 'nowrap',
};
