"""Resilience: what failures cost and how likely a shortfall is. Outage criticality (N-1, and
N-k for chosen sets) and Monte Carlo draws, each a warm re-solve of the held LP with changed
bounds."""

from corridor.resilience.montecarlo import MonteCarlo, monte_carlo
from corridor.resilience.outages import (
    Criticality,
    Outage,
    link_outages,
    node_outages,
    outage_criticality,
)

__all__ = [
    "Criticality",
    "MonteCarlo",
    "Outage",
    "link_outages",
    "monte_carlo",
    "node_outages",
    "outage_criticality",
]
