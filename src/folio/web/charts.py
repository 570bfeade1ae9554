"""Charts as server-rendered SVG: no script, no library, readable without colour (labels).

Amounts arrive as integer minor units from the report services; only pixel geometry is
computed here. The SVG scales to its container (`viewBox`, width 100%).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from folio.web.forms import money

REVENUE = "#2f7d4f"
EXPENSE = "#b4483c"
NET = "#1d3f72"
PALETTE = (
    "#1d3f72",
    "#3f6fb0",
    "#7aa3d6",
    "#2f7d4f",
    "#6fae7c",
    "#c28b2c",
    "#e0b95d",
    "#7a4f9a",
    "#b08cc9",
    "#b4483c",
    "#de8b80",
    "#5b6770",
)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    revenue: int
    expense: int

    @property
    def net(self) -> int:
        return self.revenue - self.expense


@dataclass(frozen=True, slots=True)
class Segment:
    label: str
    amount: int


def _text(x: float, y: float, content: str, *, anchor: str = "middle", size: int = 11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}">'
        f"{escape(content)}</text>"
    )


def income_bars(bars: Sequence[Bar], exponent: int, currency: str) -> Markup:
    """Revenue and expense per column as paired bars, net income as a dot with its value."""
    width, height = 720, 260
    left, right, top, bottom = 70, 10, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for bar in bars for v in (bar.revenue, bar.expense, bar.net)] or [0]
    high, low = max(max(values), 0), min(min(values), 0)
    span = (high - low) or 1

    def y(amount: int) -> float:
        return top + (high - amount) / span * plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Revenue and expense by period in {escape(currency)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    zero = y(0)
    for amount in (high, low):
        if amount:
            parts.append(
                f'<line x1="{left}" x2="{width - right}" y1="{y(amount):.1f}" '
                f'y2="{y(amount):.1f}" class="grid"/>'
            )
            parts.append(_text(left - 6, y(amount) + 4, money(amount, exponent), anchor="end"))
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{zero:.1f}" y2="{zero:.1f}" class="axis"/>'
    )
    parts.append(_text(left - 6, zero + 4, "0", anchor="end"))
    slot = plot_w / max(len(bars), 1)
    bar_w = max(min(slot * 0.32, 36), 3)
    for index, bar in enumerate(bars):
        x0 = left + index * slot + slot / 2
        for offset, amount, colour, name in (
            (-bar_w, bar.revenue, REVENUE, "Revenue"),
            (0, bar.expense, EXPENSE, "Expense"),
        ):
            top_y, bottom_y = sorted((y(amount), zero))
            parts.append(
                f'<rect x="{x0 + offset:.1f}" y="{top_y:.1f}" width="{bar_w:.1f}" '
                f'height="{max(bottom_y - top_y, 0.5):.1f}" fill="{colour}">'
                f"<title>{escape(bar.label)} {name}: {money(amount, exponent)}</title></rect>"
            )
        parts.append(
            f'<circle cx="{x0:.1f}" cy="{y(bar.net):.1f}" r="4" fill="{NET}">'
            f"<title>{escape(bar.label)} net income: {money(bar.net, exponent)}</title></circle>"
        )
        if len(bars) <= 12 or index % max(len(bars) // 12, 1) == 0:
            parts.append(_text(x0, height - bottom + 16, bar.label))
    legend_y = height - 8
    for offset, colour, name in (
        (left, REVENUE, "Revenue"),
        (left + 100, EXPENSE, "Expense"),
        (left + 200, NET, "Net income"),
    ):
        parts.append(
            f'<rect x="{offset}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(_text(offset + 14, legend_y, name, anchor="start"))
    parts.append("</svg>")
    return Markup("".join(parts))


def composition(
    assets: Sequence[Segment], claims: Sequence[Segment], exponent: int, currency: str
) -> Markup:
    """Two stacked bars: what the business owns, and who has a claim on it.

    Negative items (a loss, a contra account) cannot be stacked; they are listed under the
    bars with their sign instead.
    """
    width, bar_h, left, right = 720, 34, 150, 10
    rows = (("Assets", assets), ("Liabilities + equity", claims))
    scale_total = max(sum(s.amount for s in segs if s.amount > 0) for _, segs in rows) or 1
    plot_w = width - left - right
    colours: dict[str, str] = {}
    for _, segs in rows:
        for seg in segs:
            if seg.amount > 0 and seg.label not in colours:
                colours[seg.label] = PALETTE[len(colours) % len(PALETTE)]
    negatives = [seg for _, segs in rows for seg in segs if seg.amount < 0]
    legend_rows = (len(colours) + 2) // 3 + (1 if negatives else 0)
    height = 20 + len(rows) * (bar_h + 16) + legend_rows * 18 + 10
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Balance sheet composition in {escape(currency)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for row_index, (name, segs) in enumerate(rows):
        y0 = 16 + row_index * (bar_h + 16)
        parts.append(_text(left - 8, y0 + bar_h / 2 + 4, name, anchor="end", size=12))
        x = float(left)
        for seg in segs:
            if seg.amount <= 0:
                continue
            w = seg.amount / scale_total * plot_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y0}" width="{max(w, 0.5):.1f}" height="{bar_h}" '
                f'fill="{colours[seg.label]}"><title>{escape(seg.label)}: '
                f"{money(seg.amount, exponent)}</title></rect>"
            )
            x += w
        total = sum(s.amount for s in segs)
        parts.append(_text(width - right, y0 - 3, money(total, exponent), anchor="end", size=11))
    legend_top = 16 + len(rows) * (bar_h + 16) + 6
    for index, (label, colour) in enumerate(colours.items()):
        lx = 10 + (index % 3) * 240
        ly = legend_top + (index // 3) * 18
        parts.append(f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(lx + 14, ly + 9, label, anchor="start"))
    if negatives:
        ly = legend_top + ((len(colours) + 2) // 3) * 18 + 9
        listed = ", ".join(f"{s.label} {money(s.amount, exponent)}" for s in negatives)
        parts.append(_text(10, ly, f"Not stacked (negative): {listed}", anchor="start"))
    parts.append("</svg>")
    return Markup("".join(parts))
