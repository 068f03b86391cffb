"""Each lesson's sections: the time they state beside a rule-of-thumb estimate (for authors setting the times).

    .venv/bin/python scripts/section_times.py [03 05 ...]

The estimate reads text at 100 words a minute (folded answers included: a learner reads them after answering),
adds 3 minutes per Think!, 4 per interactive demo and half a minute per code cell, and rounds to 5 minutes (to
whole minutes under 5). It is a starting point, not a measurement: the stated times are the authors' judgement,
and the instructor guide says so. Lesson 00 introduces the section skeleton.
"""

import argparse
from pathlib import Path

import nbformat

from causal_course.authoring.sections import sections, stated_minutes
from causal_course.lessons import LESSONS, lesson

ROOT = Path(__file__).resolve().parent.parent


def estimate(section: dict) -> int:
    """Rule-of-thumb minutes for one section (see the module docstring)."""
    markdown = [text for text, _ in (p for p in section["paragraphs"] if p is not None)]
    words = sum(len(text.split()) for text in markdown)
    code = sum(1 for p in section["paragraphs"] if p is None)
    thinks = sum(text.count("### Think!") for text in markdown)
    demos = sum(text.count("### Interactive demo") for text in markdown) + ("Interactive demo" in section["heading"])
    minutes = words / 100 + 3 * thinks + 4 * demos + 0.5 * code
    return max(1, round(minutes)) if minutes < 5 else 5 * round(minutes / 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers (default: all)")
    args = parser.parse_args()
    for entry in [lesson(key) for key in args.lessons] or LESSONS:
        notebook = nbformat.read(ROOT / entry.notebook, as_version=4)
        print(f"\n{entry.code} {entry.title}: registry {entry.minutes} min core, {entry.bonus_minutes} min bonus")
        print(f"  {'section':64s} stated  estimate")
        for section in sections(notebook):
            if section["numbered"]:
                stated = stated_minutes(section)
                print(f"  {section['heading'][:64]:64s} {stated if stated is not None else '-':>6}  {estimate(section):>8}")


if __name__ == "__main__":
    main()
