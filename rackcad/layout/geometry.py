"""Plane geometry on the layouts' polylines (edges, cable runs), shared by the canvas and the SVG writer."""

from __future__ import annotations

import math


def point_at(points: tuple[tuple[float, float], ...], t: float) -> tuple[float, float]:
    """The point a fraction `t` along a polyline."""
    lengths = [math.dist(a, b) for a, b in zip(points, points[1:])]
    goal = sum(lengths) * t
    for (a, b), length in zip(zip(points, points[1:]), lengths):
        if goal <= length and length:
            f = goal / length
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
        goal -= length
    return points[-1]


def distance_to_polyline(points: tuple[tuple[float, float], ...], x: float, y: float) -> float:
    """Shortest distance from (x, y) to a polyline (for picking edges and cable runs)."""
    best = math.inf
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        dx, dy = x2 - x1, y2 - y1
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length))
        best = min(best, math.hypot(x - x1 - t * dx, y - y1 - t * dy))
    return best
