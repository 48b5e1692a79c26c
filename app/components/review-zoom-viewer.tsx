import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from "react";

export interface ZoomOverlay {
  name: string;
  label: string;
  url: string;
}

export interface ZoomViewerHandle {
  /** Pans by CSS pixels when zoomed; does nothing when fitted. */
  panBy: (dx: number, dy: number) => void;
}

interface Props {
  url: string;
  /** The image's pixel size when known (renditions); otherwise read from the image once loaded. */
  width: number | null;
  height: number | null;
  alt: string;
  zoomed: boolean;
  onZoomedChange: (zoomed: boolean) => void;
  overlays: ZoomOverlay[];
  visibleOverlays: ReadonlySet<string>;
  /** Height of the viewing box in CSS pixels. */
  boxHeight: number;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * The output at fit size or at 100 % (one image pixel per CSS pixel), with
 * the QC overlays stacked exactly over it. Zoomed, it pans by dragging, by
 * scrolling and (through the handle) by the arrow keys; a click zooms in
 * where it lands, a click when zoomed (without dragging) fits again.
 */
export const ZoomViewer = forwardRef<ZoomViewerHandle, Props>(function ZoomViewer({ url, width, height, alt, zoomed, onZoomedChange, overlays, visibleOverlays, boxHeight }, ref) {
  const box = useRef<HTMLDivElement>(null);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(width && height ? { w: width, h: height } : null);
  const [offset, setOffset] = useState({ x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; ox: number; oy: number; moved: boolean } | null>(null);
  const pendingFocus = useRef<{ fx: number; fy: number } | null>(null);

  useEffect(() => setNatural(width && height ? { w: width, h: height } : null), [url, width, height]);

  /** Keeps the image covering the box: no panning past its edges; centred on an axis where it is smaller than the box. */
  const bounded = useCallback(
    (x: number, y: number) => {
      const el = box.current;
      if (!el || !natural) return { x, y };
      const bw = el.clientWidth;
      const bh = el.clientHeight;
      return {
        x: natural.w <= bw ? (bw - natural.w) / 2 : clamp(x, bw - natural.w, 0),
        y: natural.h <= bh ? (bh - natural.h) / 2 : clamp(y, bh - natural.h, 0),
      };
    },
    [natural],
  );

  // Entering 100 %: centre on the clicked point (or the middle).
  useEffect(() => {
    if (!zoomed || !natural || !box.current) return;
    const el = box.current;
    const focusAt = pendingFocus.current ?? { fx: 0.5, fy: 0.5 };
    pendingFocus.current = null;
    setOffset(bounded(el.clientWidth / 2 - focusAt.fx * natural.w, el.clientHeight / 2 - focusAt.fy * natural.h));
  }, [zoomed, natural, bounded]);

  const panBy = useCallback((dx: number, dy: number) => {
    if (!zoomed) return;
    setOffset((o) => bounded(o.x - dx, o.y - dy));
  }, [zoomed, bounded]);
  useImperativeHandle(ref, () => ({ panBy }), [panBy]);

  // Wheel and trackpad scrolling pan while zoomed (a passive listener could not keep the page from scrolling).
  useEffect(() => {
    const el = box.current;
    if (!el || !zoomed) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      panBy(event.shiftKey ? event.deltaY : event.deltaX, event.shiftKey ? 0 : event.deltaY);
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [zoomed, panBy]);

  const onPointerDown = (event: React.PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    drag.current = { x: event.clientX, y: event.clientY, ox: offset.x, oy: offset.y, moved: false };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: React.PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || !zoomed) return;
    const dx = event.clientX - d.x;
    const dy = event.clientY - d.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) d.moved = true;
    setOffset(bounded(d.ox + dx, d.oy + dy));
  };
  const onPointerUp = (event: React.PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    if (zoomed) onZoomedChange(false);
    else {
      // Where in the fitted image the click landed, as a fraction, so 100 % opens there.
      const img = event.currentTarget.querySelector("img");
      if (img) {
        const rect = fittedRect(img, natural);
        pendingFocus.current = { fx: clamp((event.clientX - rect.left) / rect.width, 0, 1), fy: clamp((event.clientY - rect.top) / rect.height, 0, 1) };
      }
      onZoomedChange(true);
    }
  };

  const layer = (src: string, key: string, extra: React.CSSProperties = {}) => (
    <img
      key={key}
      src={src}
      alt={key === "output" ? alt : ""}
      draggable={false}
      data-layer={key}
      onLoad={key === "output" && !natural ? (e) => setNatural({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight }) : undefined}
      style={{ position: "absolute", left: 0, top: 0, width: "100%", height: "100%", objectFit: "contain", userSelect: "none", pointerEvents: "none", ...extra }}
    />
  );

  const layers = [layer(url, "output"), ...overlays.filter((o) => visibleOverlays.has(o.name)).map((o) => layer(o.url, `overlay-${o.name}`, { opacity: 0.8 }))];

  return (
    <div
      ref={box}
      data-zoomed={zoomed ? "true" : "false"}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => (drag.current = null)}
      style={{ position: "relative", height: boxHeight, overflow: "hidden", background: "repeating-conic-gradient(#eee 0% 25%, #fafafa 0% 50%) 50% / 20px 20px", borderRadius: 8, cursor: zoomed ? "grab" : "zoom-in", touchAction: zoomed ? "none" : "auto" }}
    >
      {zoomed && natural ? (
        <div data-zoom-plane style={{ position: "absolute", left: 0, top: 0, width: natural.w, height: natural.h, transform: `translate(${offset.x}px, ${offset.y}px)` }}>
          {layers}
        </div>
      ) : (
        <div style={{ position: "absolute", inset: 0 }}>{layers}</div>
      )}
    </div>
  );
});

/** The box an object-fit: contain image actually paints in. */
function fittedRect(img: HTMLImageElement, natural: { w: number; h: number } | null): { left: number; top: number; width: number; height: number } {
  const rect = img.getBoundingClientRect();
  const w = natural?.w ?? img.naturalWidth;
  const h = natural?.h ?? img.naturalHeight;
  if (!w || !h) return rect;
  const scale = Math.min(rect.width / w, rect.height / h);
  const width = w * scale;
  const height = h * scale;
  return { left: rect.left + (rect.width - width) / 2, top: rect.top + (rect.height - height) / 2, width, height };
}
