"""Timings of what users wait for."""
