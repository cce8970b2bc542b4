"""Derived figures: the design summary (what `rackcad info` prints), domains, bandwidth."""

from rackcad.analysis.summary import summary

__all__ = ["summary"]
