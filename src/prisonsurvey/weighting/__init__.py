"""Sampling and weights: selection, base weights, adjustments, calibration and replicates."""
