"""Benchmarks: every figure is a time ratio against a named baseline measured in the same run."""
