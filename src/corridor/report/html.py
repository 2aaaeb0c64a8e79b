"""The report page: body sections rendered in Python, data, script and style inlined.

The page's Content-Security-Policy allows only its own inline script and style, by their
SHA-256 hashes: no inline ``style=`` attributes or event handlers in the markup.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.errors import ReportError
from corridor.io.atomic import atomic_write_file
from corridor.report.palette import BINDING_COLOR, UNUSED_COLOR, mode_color
from corridor.report.region import Bounds, focus_bounds
from corridor.report.tables import comparison_tables

__all__ = [
    "RunSection",
    "content_security_policy",
    "data_to_script_json",
    "render_page",
    "write_page",
]

#: Links that leave the page (source URLs); others are shown as text.
_WEB_SCHEMES = ("http://", "https://")


@dataclass(frozen=True)
class RunSection:
    """What the page shows of one run besides the scripted figures: header facts and tables."""

    name: str
    title: str
    description: str
    facts: Mapping[str, str]
    tables: Mapping[str, str]  # title -> HTML
    sources: Sequence[Mapping[str, Any]]
    changes: Sequence[str] = ()
    answer: Sequence[str] = ()  # the solve's answer in words (corridor.results.headline)


def _asset(name: str) -> str:
    return resources.files("corridor.report").joinpath("assets", name).read_text("utf-8")


def data_to_script_json(data: Mapping[str, Any]) -> str:
    """JSON safe inside a ``<script>`` element (``</`` written ``<\\/``; NaN not allowed)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "\\u003c!--")


def _blocks(runs: Sequence[RunSection], render: Any) -> str:
    """One ``run-block`` per run; all but the first hidden until the selector shows them."""
    return "".join(
        f'<div class="run-block{" hidden" if i else ""}" data-run="{escape(r.name)}">'
        f"{render(r)}</div>"
        for i, r in enumerate(runs)
    )


def _header(title: str, generated: str, version: str, runs: Sequence[RunSection]) -> str:
    selector = ""
    if len(runs) > 1:
        options = "".join(
            f'<option value="{escape(r.name)}">{escape(r.title)}</option>' for r in runs
        )
        selector = f'<label>Scenario <select id="run-select">{options}</select></label>'
    return (
        f'<header class="top"><h1>{escape(title)}</h1>'
        f'<span class="meta">corridor {escape(version)} · generated {escape(generated)}</span>'
        f"{selector}</header>"
    )


def _scenario(run: RunSection) -> str:
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in run.facts.items())
    changes = ""
    if run.changes:
        items = "".join(f"<li>{escape(c)}</li>" for c in run.changes)
        changes = f'<h3>What this scenario changes</h3><ul class="changes">{items}</ul>'
    answer = ""
    if run.answer:
        items = "".join(f"<li>{escape(line)}</li>" for line in run.answer)
        answer = f'<h3>The answer</h3><ul class="answer">{items}</ul>'
    return (
        f"<h2>{escape(run.title)}</h2>"
        f'<p class="description">{escape(run.description)}</p>'
        f"{answer}"
        f'<dl class="facts">{facts}</dl>{changes}'
    )


def _legend_css(modes: Sequence[str]) -> str:
    """Colours of the legend's swatches: one class per mode (the CSP forbids ``style=``)."""
    rules = [
        f".legend .swatch.mode-{i} {{ background: {mode_color(m)}; }}" for i, m in enumerate(modes)
    ]
    rules += [
        f".legend .swatch.unused {{ background: {UNUSED_COLOR}; }}",
        f".legend .swatch.binding {{ border-top-color: {BINDING_COLOR}; }}",
    ]
    return "\n".join(rules) + "\n"


def _legend(modes: Sequence[str]) -> str:
    items = "".join(
        f'<li><span class="swatch mode-{i}"></span>{escape(m)}</li>' for i, m in enumerate(modes)
    )
    items += (
        '<li><span class="swatch binding"></span>capacity binds</li>'
        '<li><span class="swatch unused"></span>no flow</li>'
    )
    return (
        f'<div class="legend" id="map-legend"><ul>{items}</ul>'
        "<p>Line width: flow, relative to the largest flow in the same unit (Mt/yr, bcm/yr or "
        "TEU/yr); hover for capacity and utilisation. Dark dots: suppliers, markets and ends of "
        "binding links. Scroll to zoom, drag to pan, hover for details.</p></div>"
    )


def _scrolling(html: str) -> str:
    """Each ``<table>`` in its own box that scrolls sideways, so a wide table never makes the
    page wider than a phone."""
    return re.sub(
        r"<table\b.*?</table>",
        lambda m: f'<div class="table-wrap" tabindex="0">{m.group(0)}</div>',
        html,
        flags=re.S,
    )


def _tables(run: RunSection) -> str:
    return "".join(f"<h3>{escape(t)}</h3>{_scrolling(html)}" for t, html in run.tables.items())


def _sources(run: RunSection) -> str:
    items = []
    for s in run.sources:
        raw = str(s["url"])
        url = escape(raw)
        link = ""
        if raw.startswith(_WEB_SCHEMES):
            link = f' <a href="{url}" rel="noopener noreferrer">{url}</a>'
        elif raw:
            link = f" <span class=url>{url}</span>"
        date = f" ({escape(str(s['date']))})" if s["date"] else ""
        items.append(
            f'<li id="src-{escape(run.name)}-{escape(str(s["id"]))}">'
            f"<code>{escape(str(s['id']))}</code> {escape(str(s['publisher']))}: "
            f"<cite>{escape(str(s['title']))}</cite>{date}.{link}</li>"
        )
    return (
        f"<p class=note>{len(items)} sources behind the links, nodes, supply, demand, "
        f'observations and agreements shown.</p><ol class="sources">{"".join(items)}</ol>'
    )


def _body(
    title: str,
    generated: str,
    version: str,
    runs: Sequence[RunSection],
    modes: Sequence[str],
    comparison: Mapping[str, pd.DataFrame] | None,
) -> str:
    compare = (
        '<section id="comparison"><h2>Comparison</h2>'
        f"{_scrolling(comparison_tables(comparison))}</section>"
        if comparison
        else ""
    )
    return (
        _header(title, generated, version, runs)
        + "<main>"
        + f'<section id="scenario">{_blocks(runs, _scenario)}</section>'
        + '<section id="map-section"><h2>Flows on the network</h2>'
        + '<div id="map" class="map" aria-label="map of links and flows">'
        + '<div class="map-tools">'
        + '<button type="button" id="map-corridor" title="the Caspian-Black Sea region, where '
        + 'most links are">corridor</button>'
        + '<button type="button" id="map-whole" title="every node">whole network</button></div>'
        + "</div>"
        + _legend(modes)
        + "</section>"
        + '<section id="sankey-section"><h2>From supplier through transit countries to market</h2>'
        + '<div class="toolbar"><label>Commodity <select id="commodity-select"></select></label>'
        + '<span id="sankey-unit" class="note"></span></div>'
        + '<div id="sankey" class="sankey" tabindex="0"></div>'
        + "<p class=note>Band width: volume shipped along the routes found by the solve, "
        + "grouped by supplier, countries crossed between supplier and market, and market.</p>"
        + "</section>"
        + f'<section id="tables">{_blocks(runs, _tables)}</section>'
        + compare
        + f'<section id="sources"><h2>Sources</h2>{_blocks(runs, _sources)}</section>'
        + "</main>"
    )


def _sha256(text: str) -> str:
    """A CSP hash source of an inline element's exact text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(script: str, style: str) -> str:
    """Nothing from outside; only the page's own inline script and style, by hash."""
    return (
        f"default-src 'none'; img-src data:; style-src {_sha256(style)}; "
        f"script-src {_sha256(script)}; base-uri 'none'; form-action 'none'"
    )


def _default_focus(data: Mapping[str, Any]) -> Bounds | None:
    """The map's default view: where most link ends of all runs lie, within the map's bounds."""
    ends = [xy for run in data["runs"] for link in run["links"] for xy in link["coords"]]
    focus = focus_bounds(ends)
    if focus is None or "bounds" not in data:
        return focus
    b = data["bounds"]
    return (max(focus[0], b[0]), max(focus[1], b[1]), min(focus[2], b[2]), min(focus[3], b[3]))


def render_page(
    *,
    title: str,
    generated: str,
    version: str,
    runs: Sequence[RunSection],
    data: Mapping[str, Any],
    comparison: Mapping[str, pd.DataFrame] | None = None,
    focus: Bounds | None = None,
) -> str:
    """The whole page as one HTML string with its data, script and style inline.

    Parameters
    ----------
    focus
        The map's default view (min lon, min lat, max lon, max lat); by default
        :func:`corridor.report.region.focus_bounds` of the ends of every run's links. A
        button shows the whole network.
    """
    modes = sorted({link["mode"] for run in data["runs"] for link in run["links"]})
    css = _asset("report.css") + _legend_css(modes)
    js = _asset("report.js")
    if "</script" in js.lower() or "</style" in css.lower():
        raise ReportError(
            "report.js or report.css contains a closing tag; it would end the element"
        )
    focus = focus if focus is not None else _default_focus(data)
    parts = {
        "title": escape(title),
        "csp": content_security_policy(js, css),
        "css": css,
        "js": js,
        "body": _body(title, generated, version, runs, modes, comparison),
        "data": data_to_script_json(
            {
                **data,
                "focus": None if focus is None else [float(v) for v in focus],
                "colors": {"binding": BINDING_COLOR, "unused": UNUSED_COLOR},
            }
        ),
    }
    template = _asset("template.html")
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], template)


def write_page(page: str, path: Path) -> Path:
    """Write the page atomically (UTF-8)."""

    def write(tmp: Path) -> None:
        tmp.write_text(page, encoding="utf-8")

    atomic_write_file(path, write)
    return path
