/**
 * A small hand-written SVG line chart: cumulative requests (log scale) over simulated time, one
 * step line per strategy, labelled at its end. No dependencies.
 */

export interface PlotSeries {
    name: string;
    color: string;
    /** x = simulated seconds, y = cumulative count (≥ 1). */
    points: { x: number; y: number }[];
    dash?: string;
}

export interface PlotOptions {
    title: string;
    subtitle?: string;
    xLabel: string;
    yLabel: string;
    xMaxS: number;
    /** Vertical markers, e.g. the job's end. */
    markers?: { x: number; label: string }[];
    series: PlotSeries[];
    width?: number;
    height?: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function cumulativePlotSvg(o: PlotOptions): string {
    const W = o.width ?? 900;
    const H = o.height ?? 520;
    const m = { left: 70, right: 210, top: 64, bottom: 56 };
    const pw = W - m.left - m.right;
    const ph = H - m.top - m.bottom;
    const yMaxData = Math.max(10, ...o.series.flatMap((s) => s.points.map((p) => p.y)));
    const decades = Math.ceil(Math.log10(yMaxData));
    const X = (x: number) => m.left + (Math.min(x, o.xMaxS) / o.xMaxS) * pw;
    const Y = (y: number) => m.top + ph - (Math.log10(Math.max(1, y)) / decades) * ph;
    const out: string[] = [];
    out.push(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    );
    out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
    out.push(`<text x="${m.left}" y="26" font-size="17" font-weight="bold">${esc(o.title)}</text>`);
    if (o.subtitle) out.push(`<text x="${m.left}" y="46" fill="#555">${esc(o.subtitle)}</text>`);
    // Grid and y ticks (decades, with 2 and 5 in light grey).
    for (let d = 0; d <= decades; d++) {
        const v = 10 ** d;
        out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(v)}" y2="${Y(v)}" stroke="#d0d0d0"/>`);
        out.push(`<text x="${m.left - 8}" y="${Y(v) + 4}" text-anchor="end">${v.toLocaleString("en-US")}</text>`);
        if (d < decades)
            for (const k of [2, 5])
                out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(k * v)}" y2="${Y(k * v)}" stroke="#efefef"/>`);
    }
    // x ticks: minutes.
    const stepMin = o.xMaxS <= 15 * 60 ? 1 : o.xMaxS <= 90 * 60 ? 10 : 60;
    for (let t = 0; t <= o.xMaxS; t += stepMin * 60) {
        out.push(`<line x1="${X(t)}" x2="${X(t)}" y1="${m.top}" y2="${m.top + ph}" stroke="#efefef"/>`);
        out.push(`<text x="${X(t)}" y="${m.top + ph + 18}" text-anchor="middle">${t / 60}</text>`);
    }
    out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
    out.push(`<text x="${m.left + pw / 2}" y="${H - 14}" text-anchor="middle">${esc(o.xLabel)}</text>`);
    out.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
    for (const mk of o.markers ?? []) {
        out.push(`<line x1="${X(mk.x)}" x2="${X(mk.x)}" y1="${m.top}" y2="${m.top + ph}" stroke="#444" stroke-dasharray="5 4"/>`);
        out.push(`<text x="${X(mk.x) - 6}" y="${m.top + 16}" text-anchor="end" fill="#444">${esc(mk.label)}</text>`);
    }
    // Series as step lines; labels at the right, nudged apart.
    const labels: { y: number; s: PlotSeries; last: number }[] = [];
    for (const s of o.series) {
        if (!s.points.length) continue;
        const pts = [...s.points].sort((a, b) => a.x - b.x);
        let d = `M ${X(0).toFixed(1)} ${Y(1).toFixed(1)}`;
        let prevY = 1;
        for (const p of pts) {
            d += ` L ${X(p.x).toFixed(1)} ${Y(prevY).toFixed(1)} L ${X(p.x).toFixed(1)} ${Y(p.y).toFixed(1)}`;
            prevY = p.y;
        }
        const last = pts[pts.length - 1];
        d += ` L ${X(o.xMaxS).toFixed(1)} ${Y(last.y).toFixed(1)}`;
        out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`);
        labels.push({ y: Y(last.y), s, last: last.y });
    }
    labels.sort((a, b) => a.y - b.y);
    for (let i = 1; i < labels.length; i++) if (labels[i].y - labels[i - 1].y < 30) labels[i].y = labels[i - 1].y + 30;
    for (const l of labels) {
        const x = m.left + pw + 10;
        out.push(`<rect x="${x}" y="${l.y - 9}" width="14" height="4" fill="${l.s.color}"/>`);
        out.push(`<text x="${x + 20}" y="${l.y - 3}" font-weight="bold">${esc(l.s.name)}</text>`);
        out.push(`<text x="${x + 20}" y="${l.y + 12}" fill="#555">${l.last.toLocaleString("en-US")} requests</text>`);
    }
    out.push(`</svg>`);
    return out.join("\n") + "\n";
}
