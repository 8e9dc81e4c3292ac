"""Experiments: PDSA cycles with several leads."""
