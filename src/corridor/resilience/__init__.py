"""Resilience: what failures cost. Outage criticality (N-1, and N-k for chosen sets) on the
warm model; each outage is a re-solve of the held LP with changed bounds."""

from corridor.resilience.outages import (
    Criticality,
    Outage,
    link_outages,
    node_outages,
    outage_criticality,
)

__all__ = ["Criticality", "Outage", "link_outages", "node_outages", "outage_criticality"]
