// Kind markers drawn from the taxonomy's colours and outlines: the map's
// icons (drawn on a canvas when MapLibre asks for an image) and the small
// symbols of the legend, the kind chips and the list badges (inline SVG).
// The printed maps draw the same outlines (renkei-print).

import { kindMarker } from "./taxonomy";

/** Radius of a map icon in CSS pixels at icon-size 1. */
export const ICON_RADIUS_PX = 10;
/** Prefix of the map's kind icons: `kind:<code>` filled, `kind:<code>:hollow` for 要確認. */
export const ICON_PREFIX = "kind:";
const HOLLOW = ":hollow";

/** The icon id for `code`, hollow for search hits whose needs are not confirmed (要確認). */
export function iconId(code: string, hollow = false): string {
  return `${ICON_PREFIX}${code}${hollow ? HOLLOW : ""}`;
}

/** The drawing calls a marker needs: a subset of CanvasRenderingContext2D. */
export interface MarkerPen {
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  lineJoin: CanvasLineJoin;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  fill(): void;
  stroke(): void;
}

/** Size of the square image an icon is drawn in, in CSS pixels. */
export function iconSizePx(): number {
  // Outlines reach 1.25 radii (the star) plus the ring.
  return Math.ceil(ICON_RADIUS_PX * 2 * 1.25 + 6);
}

/**
 * Draws the icon `id` (see {@link iconId}) with `pen` into a square of
 * {@link iconSizePx} × `pixelRatio` pixels: filled in the kind's colour and
 * ringed in white, or, hollow, white ringed in the kind's colour. Returns
 * false for an id that is not a kind icon.
 */
export function drawIcon(pen: MarkerPen, id: string, pixelRatio: number): boolean {
  if (!id.startsWith(ICON_PREFIX)) return false;
  const hollow = id.endsWith(HOLLOW);
  const code = id.slice(ICON_PREFIX.length, hollow ? -HOLLOW.length : undefined);
  const { colour, points } = kindMarker(code);
  const centre = (iconSizePx() * pixelRatio) / 2;
  const radius = ICON_RADIUS_PX * pixelRatio;
  pen.beginPath();
  points.forEach(([x, y], i) => (i === 0 ? pen.moveTo : pen.lineTo).call(pen, centre + radius * x, centre + radius * y));
  pen.closePath();
  pen.lineJoin = "round";
  pen.fillStyle = hollow ? "#ffffff" : colour;
  pen.strokeStyle = hollow ? colour : "#ffffff";
  pen.lineWidth = (hollow ? 0.45 : 0.3) * radius;
  pen.fill();
  pen.stroke();
  return true;
}

const SVG = "http://www.w3.org/2000/svg";

/** A small inline SVG of `code`'s marker, for legends, chips and badges. Decorative: hidden from screen readers. */
export function kindSymbol(code: string): SVGSVGElement {
  const { colour, shape, points } = kindMarker(code);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "-1.35 -1.35 2.7 2.7");
  svg.setAttribute("class", "swatch kind-symbol");
  svg.setAttribute("aria-hidden", "true");
  svg.dataset.shape = shape;
  const polygon = document.createElementNS(SVG, "polygon");
  polygon.setAttribute("points", points.map(([x, y]) => `${x},${y}`).join(" "));
  polygon.setAttribute("fill", colour);
  svg.append(polygon);
  return svg;
}
