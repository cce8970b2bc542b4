"""Benchmarks: `python -m benchmarks` (or `make bench`) prints timings; nothing here is asserted."""
