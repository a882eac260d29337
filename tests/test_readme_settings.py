"""The README's configuration table lists exactly the variables the settings object reads."""
from __future__ import annotations

import re

from hotline.settings import ROOT, SECRET_NAMES, Settings


def _readme_variables() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Configuration"):]
    section = section[:section.index("\n## ", 3)]
    names: set[str] = set()
    for row in section.splitlines():
        if row.startswith("| `"):
            first_cell = row.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
            names |= {m + "_FILE" for m in re.findall(r"`([A-Z][A-Z0-9_]+)`\(`_FILE`\)", first_cell)}
    return names


def test_every_setting_is_in_the_readme_table_and_nothing_else():
    readme = _readme_variables()
    fields = set(Settings.model_fields)
    file_variants = {f"{name}_FILE" for name in SECRET_NAMES}
    assert fields - readme == set(), "settings missing from README's configuration table"
    assert readme - fields - file_variants == set(), "README lists variables the settings object does not read"


def test_every_secret_file_variant_is_documented():
    assert {f"{name}_FILE" for name in SECRET_NAMES} <= _readme_variables()
