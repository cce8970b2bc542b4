"""Qt-free drawing geometry (mm): the canvas and the SVG writer both draw from it."""
