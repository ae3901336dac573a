#!/usr/bin/env python3
"""Draws benches/results/compare.svg from benches/results/compare.json: ns/op per
implementation and operation, log scale. Standard library only.

    python3 benches/chart.py
"""
import json
import math
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]


def main():
    data = json.loads((ROOT / "benches/results/compare.json").read_text())["median_ns"]
    rows = [(impl, op, ns) for impl, ops in data.items() for op, ns in ops.items()]
    impls = list(data)
    bar_h, gap, left, width = 22, 6, 330, 560
    top = 50
    height = top + len(rows) * (bar_h + gap) + 60
    lo, hi = 100, 10 ** math.ceil(math.log10(max(ns for _, _, ns in rows)))

    def x(ns):
        return left + width * (math.log10(max(ns, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{height}" '
           'font-family="sans-serif" font-size="13">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{left}" y="24" font-size="16" font-weight="bold">UserSig ns/op, single thread '
           '(log scale; shorter is faster)</text>']
    decade = lo
    while decade <= hi:
        gx = x(decade)
        label = f"{decade // 1000} µs" if decade >= 1000 else f"{decade} ns"
        svg.append(f'<line x1="{gx:.1f}" y1="{top - 8}" x2="{gx:.1f}" y2="{height - 40}" stroke="#ddd"/>')
        svg.append(f'<text x="{gx:.1f}" y="{height - 22}" text-anchor="middle" fill="#555">{label}</text>')
        decade *= 10
    for i, (impl, op, ns) in enumerate(rows):
        y = top + i * (bar_h + gap)
        color = COLORS[impls.index(impl) % len(COLORS)]
        svg.append(f'<text x="{left - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">{impl}: {op}</text>')
        svg.append(f'<rect x="{left}" y="{y}" width="{x(ns) - left:.1f}" height="{bar_h}" fill="{color}"/>')
        svg.append(f'<text x="{x(ns) + 6:.1f}" y="{y + bar_h * 0.7:.1f}">{ns:,.0f} ns</text>')
    svg.append("</svg>")
    out = ROOT / "benches/results/compare.svg"
    out.write_text("\n".join(svg) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
