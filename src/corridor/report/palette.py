"""Colours shared by the interactive page and the static figures."""

from __future__ import annotations

from typing import Final

__all__ = ["BINDING_COLOR", "MODE_COLORS", "UNUSED_COLOR", "mode_color"]

#: Colour of each transport mode (colour-blind-safe Okabe-Ito hues where possible).
MODE_COLORS: Final[dict[str, str]] = {
    "pipeline": "#0072B2",
    "rail": "#D55E00",
    "road": "#8C564B",
    "ferry": "#009E73",
    "tanker": "#CC79A7",
    "sea": "#56B4E9",
    "swap": "#E69F00",
}
#: Colour of links that carry nothing in the run.
UNUSED_COLOR: Final = "#b5b5b5"
#: Colour of the halo marking links whose capacity binds.
BINDING_COLOR: Final = "#d62728"
_OTHER = "#555555"


def mode_color(mode: str) -> str:
    """Colour of a transport mode (dark grey for a mode not in the palette)."""
    return MODE_COLORS.get(mode, _OTHER)
