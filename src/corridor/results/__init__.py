"""The results stage: tidy tables of a solve, routes, reasons, the answer in words, comparisons
of several solves and the files they are written to."""

from corridor.results.extract import Results, extract_results

__all__ = ["Results", "extract_results"]
