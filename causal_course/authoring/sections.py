"""A lesson notebook read as its ``## `` sections (lesson 00 names the skeleton; used by the structure tests and
``scripts/section_times.py``).

A section is everything from a ``## `` heading to the next one, whichever cell that heading is in. ``## Section N:``
and ``## Bonus`` headings are *numbered*: they carry an ``**In short.**`` summary at their end and an
``*Estimated time: N minutes.*`` line at their start.

>>> import nbformat
>>> notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Section 1: A\\n\\nText.")])
>>> [(s["heading"], s["numbered"], s["paragraphs"]) for s in sections(notebook)]
[('Section 1: A', True, [('Text.', False)])]
"""

from __future__ import annotations

import re

NUMBERED = re.compile(r"## (Section \d+|Bonus)\b")
TIME = re.compile(r"\*Estimated time: (\d+) minutes?\.\*")


def sections(notebook) -> list[dict]:
    """The notebook's ``## `` sections (the skeleton lesson 00 describes), in order: ``{"heading", "numbered", "paragraphs"}``.

    ``paragraphs`` holds the section's Markdown paragraphs (split at blank lines) as ``(text, folded)``, where
    ``folded`` says that the paragraph starts inside a ``<details>`` block, and ``None`` for each code cell.
    """
    found = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and found:
            found[-1]["paragraphs"].append(None)
        if cell.cell_type != "markdown":
            continue
        in_fence = in_details = False  # neither a code fence nor a fold spans cells
        paragraph, folded = [], False
        for line in [*cell.source.splitlines(), ""]:  # the blank line closes the cell's last paragraph
            if not in_fence and (line.startswith("## ") or not line.strip()):  # a heading or a blank line
                if found and "".join(paragraph).strip():
                    found[-1]["paragraphs"].append(("\n".join(paragraph).strip(), folded))
                paragraph = []
                if line.startswith("## "):
                    found.append({"heading": line[3:].strip(), "numbered": bool(NUMBERED.match(line)),
                                  "paragraphs": []})
                continue
            if not paragraph:
                folded = in_details
            paragraph.append(line)
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            elif not in_fence and ("<details" in line or "</details>" in line):
                in_details = "</details>" not in line.split("<details")[-1]
    return found


def stated_minutes(section: dict) -> int | None:
    """The minutes a section's ``*Estimated time: N minutes.*`` line states (its first paragraph), or None (lesson 00)."""
    first = next((p for p in section["paragraphs"] if p is not None), None)
    found = TIME.fullmatch(first[0]) if first else None
    return int(found.group(1)) if found else None
