"""Transit time and cost: route skims and the Caspian crossing simulation."""
