"""The docs stay true to the code: data model generated from the schemas, every code documented."""

from __future__ import annotations

import re
from pathlib import Path

from corridor.schema.docs import render_data_model

ROOT = Path(__file__).resolve().parent.parent


def test_data_model_page_is_generated_from_the_schemas() -> None:
    page = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert page == render_data_model(), "run `make docs` to regenerate docs/data-model.md"


def test_every_validation_code_is_documented() -> None:
    sources = "".join(p.read_text() for p in (ROOT / "src" / "corridor").rglob("*.py"))
    codes = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)",\s*(?:ERROR|WARNING)', sources))
    codes |= set(re.findall(r'fail\(\s*"([a-z-]+)"', sources))
    codes |= {
        "unknown-node",
        "unknown-link",
        "unknown-source",
        "unknown-commodity",
        "unknown-group",
    }
    page = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z]+(?:-[a-z]+)+)`", page))
    assert codes - documented == set()
    assert len(codes) > 25


def test_every_scenario_key_is_documented() -> None:
    from corridor.scenario import model

    page = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", page))
    models = [
        v
        for v in vars(model).values()
        if isinstance(v, type) and issubclass(v, model.BaseModel) and v.__module__ == model.__name__
    ]
    keys = {key for m in models for key in m.model_fields}
    assert keys - documented == set()


def test_the_readme_python_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Python\n\n```python\n(.*?)```", readme, flags=re.S)
    assert block is not None
    code = block.group(1).replace('"path/to/my-dataset"', "None")  # the shipped dataset
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["closed"].links.set_index("link_id").loc["L_CPC", "capacity"] == 0


def test_dataset_page_counts_match_the_shipped_tables() -> None:
    from tests.conftest import shipped_network

    page = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    tables = shipped_network().tables
    stated = {m[0]: int(m[1]) for m in re.findall(r"^\| (\w+) \| (\d+) \|", page, flags=re.M)}
    stated = {name: rows for name, rows in stated.items() if name in tables}
    assert len(stated) >= 10, sorted(stated)
    assert stated == {name: len(tables[name]) for name in stated}, "update docs/dataset.md"
