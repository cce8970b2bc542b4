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
