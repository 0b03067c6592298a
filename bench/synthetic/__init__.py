"""Synthetic data generators used by the benchmark scripts in bench/ (not benchmarks themselves)."""
