"""Write a benchmark's table into a Markdown page, replacing its earlier section."""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, title: str, section: str) -> None:
    """Put ``section`` (which starts with the heading ``title``) in ``path``: in place of the
    section of that title, or at the end when there is none."""
    text = path.read_text(encoding="utf-8")
    if title in text:
        start = text.index(title)
        rest = text.find("\n## ", start + len(title))
        text = text[:start] + section + (text[rest + 1 :] if rest >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")
