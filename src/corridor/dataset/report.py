"""The result of validating a dataset, and its rendering for people and machines."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from corridor.dataset.issues import ERROR, WARNING, Issue, shorten

__all__ = ["ValidationReport"]

_WIDE = 110  # below this many columns the issues are listed instead of tabulated


@dataclass(frozen=True)
class ValidationReport:
    """Every issue found in the dataset at ``path``."""

    path: Path
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> tuple[Issue, ...]:
        """Issues that make the dataset unusable."""
        return tuple(i for i in self.issues if i.severity == ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """Issues reported but tolerated."""
        return tuple(i for i in self.issues if i.severity == WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors

    def codes(self) -> set[str]:
        """The distinct issue codes found."""
        return {i.code for i in self.issues}

    def to_frame(self) -> pd.DataFrame:
        """One row per issue."""
        rows = [asdict(i) for i in self.issues]
        columns = list(Issue.__dataclass_fields__)
        return pd.DataFrame(rows, columns=columns)

    def to_json(self) -> str:
        """The report as JSON (for scripts and the web app)."""
        payload = {
            "path": str(self.path),
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "issues": [asdict(i) for i in self.issues],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False)

    def render(self, console: Console, *, show_warnings: bool = True) -> None:
        """Print a readable table of the issues and a one-line verdict."""
        shown = [i for i in self.issues if show_warnings or i.severity == ERROR]
        if shown and console.width < _WIDE:
            self._render_list(console, shown)
        elif shown:
            self._render_table(console, shown)
        verdict = "[bold green]valid[/]" if self.ok else "[bold red]invalid[/]"
        console.print(
            f"{self.path}: {verdict} — {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        )

    @staticmethod
    def _details(issue: Issue) -> list[str]:
        lines = [issue.message]
        if issue.ids:
            lines.append(f"ids: {issue.ids_text}")
        if issue.values:
            lines.append(f"values: {shorten(issue.values)}")
        return lines

    def _render_list(self, console: Console, issues: list[Issue]) -> None:
        for issue in issues:
            style = "bold red" if issue.severity == ERROR else "yellow"
            console.print(
                f"[{style}]{issue.severity}[/] [bold]{issue.code}[/] {escape(issue.where)}",
                highlight=False,
            )
            for line in self._details(issue):
                console.print(f"  {line}", highlight=False, markup=False)
            if issue.hint:
                console.print(f"  hint: {issue.hint}", highlight=False, markup=False)

    def _render_table(self, console: Console, issues: list[Issue]) -> None:
        table = Table(title=f"Validation of {self.path}", show_lines=True, expand=True)
        table.add_column("severity", no_wrap=True)
        table.add_column("code", no_wrap=True)
        table.add_column("where", overflow="fold")
        table.add_column("problem", overflow="fold", ratio=3)
        table.add_column("hint", overflow="fold", ratio=2)
        for issue in issues:
            style = "bold red" if issue.severity == ERROR else "yellow"
            table.add_row(
                f"[{style}]{issue.severity}[/]",
                issue.code,
                escape(issue.where),
                escape("\n".join(self._details(issue))),
                escape(issue.hint),
            )
        console.print(table)
