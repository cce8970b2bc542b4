"""Dock panels: parts palette, inspector, checks."""
