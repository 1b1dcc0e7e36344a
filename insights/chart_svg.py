"""The sales chart's geometry, drawn as SVG by its template (docs/decisions.md, "Sales
insights: charts drawn as SVG on the server"): net sales bars above, order bars below, one
shared column per bucket that is its link, the comparison as a line over each panel.

Coordinates are in a 720-wide viewBox the stylesheet scales; every colour is a class."""

from math import ceil, floor, log10

from django.contrib.humanize.templatetags.humanize import intcomma

WIDTH, LEFT, RIGHT = 720, 72, 8
PLOT = WIDTH - LEFT - RIGHT
NET_TOP, NET_HEIGHT = 24, 150
ORDERS_TOP, ORDERS_HEIGHT = 206, 96
LABELS_Y = ORDERS_TOP + ORDERS_HEIGHT + 16
HEIGHT = LABELS_Y + 8
TICKS = 4


def nice_top(largest, *, whole: bool) -> tuple[float, float]:
    """A round step and the axis top (TICKS steps) that holds `largest`."""
    raw = max(float(largest), 1.0) / TICKS
    magnitude = 10 ** floor(log10(raw))
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in steps if raw <= m * magnitude)
    step = max(step, 1) if whole else step
    return step, step * TICKS


def _tick_label(value: float, step: float) -> str:
    return intcomma(int(value)) if step >= 1 else f"{value:.2f}"


def _panel(top: int, height: int, largest, whole: bool) -> dict:
    step, axis_top = nice_top(largest, whole=whole)
    ticks = [
        {"y": round(top + height * (1 - i / TICKS), 1), "label": _tick_label(i * step, step)}
        for i in range(TICKS + 1)
    ]
    return {"top": top, "bottom": top + height, "height": height, "max": axis_top, "ticks": ticks}


def _y(panel: dict, value) -> float:
    return round(panel["bottom"] - panel["height"] * float(value) / panel["max"], 1)


def _lines(points: list) -> list[str]:
    """SVG polyline point lists, broken where the comparison has no bucket."""
    lines, current = [], []
    for point in points:
        if point is None:
            lines, current = lines + ([current] if current else []), []
        else:
            current.append(f"{point[0]},{point[1]}")
    lines += [current] if current else []
    return [" ".join(line) for line in lines]


def drawing(rows: list[dict], bucket: str, currency: str, *, with_base: bool) -> dict:
    """Columns (bars, hit area, label, mark), axes and comparison lines for the template."""
    n = max(len(rows), 1)
    slot = PLOT / n
    bar = max(slot * 0.7, 1.0)
    net_values = [r["net"] for r in rows] + [r.get("base_net", 0) for r in rows]
    order_values = [r["orders"] for r in rows] + [r.get("base_orders", 0) for r in rows]
    net_panel = _panel(NET_TOP, NET_HEIGHT, max(net_values, default=0), whole=False)
    orders_panel = _panel(ORDERS_TOP, ORDERS_HEIGHT, max(order_values, default=0), whole=True)
    every = ceil(n * (64 if bucket == "month" else 48) / PLOT)
    columns, net_points, order_points = [], [], []
    for i, row in enumerate(rows):
        x = LEFT + i * slot
        centre = round(x + slot / 2, 1)
        net_y, orders_y = _y(net_panel, max(row["net"], 0)), _y(orders_panel, row["orders"])
        columns.append(
            {
                "row": row,
                "x": round(x, 1),
                "width": round(slot, 1),
                "bar_x": round(x + (slot - bar) / 2, 1),
                "bar_width": round(bar, 1),
                "net_y": net_y,
                "net_height": round(net_panel["bottom"] - net_y, 1),
                "orders_y": orders_y,
                "orders_height": round(orders_panel["bottom"] - orders_y, 1),
                "centre": centre,
                "label": _short(row["bucket"].first, bucket) if i % every == 0 else "",
            }
        )
        has_base = with_base and row["base"] is not None
        net_points.append((centre, _y(net_panel, max(row["base_net"], 0))) if has_base else None)
        order_points.append((centre, _y(orders_panel, row["base_orders"])) if has_base else None)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "labels_y": LABELS_Y,
        "hit_y": NET_TOP - 4,
        "hit_height": ORDERS_TOP + ORDERS_HEIGHT - NET_TOP + 8,
        "mark_y": NET_TOP - 2,
        "net": net_panel,
        "orders": orders_panel,
        "panels": [net_panel, orders_panel],
        "columns": columns,
        "net_lines": _lines(net_points) if with_base else [],
        "order_lines": _lines(order_points) if with_base else [],
        "base_points": [
            {"net": n, "orders": o, "row": r["row"]}
            for n, o, r in zip(net_points, order_points, columns, strict=True)
            if n
        ],
        "currency": currency,
    }


def _short(day, bucket: str) -> str:
    return f"{day:%b %Y}" if bucket == "month" else f"{day:%b} {day.day}"
