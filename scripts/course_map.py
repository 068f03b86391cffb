"""Write the course map (lesson 00's figure) to docs/course_map.png, for the README.

Usage (from the course folder):  .venv/bin/python scripts/course_map.py [--check]

The picture is rendered by ``causal_course.viz.course_map.render_course_map`` from the lesson registry
(``causal_course/lessons.py``) and the map's declared edges, and records their fingerprint in its PNG
metadata, so ``tests/test_course_map.py`` fails when the committed picture is out of date. Run this
after adding a lesson or changing a title or an edge. The output is deterministic: no timestamp, no
software version.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "course_map.png"
KEY = "Course-map"  # the PNG text chunk holding the fingerprint
DPI = 100


def recorded_fingerprint(path: Path = OUTPUT) -> str | None:
    """The fingerprint a course-map PNG records, or None when the file is missing or has none."""
    from PIL import Image

    if not path.exists():
        return None
    with Image.open(path) as image:
        return image.text.get(KEY)


def write(path: Path = OUTPUT) -> Path:
    """Render the course map and save it as a PNG carrying its fingerprint."""
    from causal_course.viz.course_map import course_map_fingerprint, render_course_map

    figure = render_course_map()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=DPI, metadata={KEY: course_map_fingerprint(), "Software": None,
                                            "Title": "The course map of causal_course"})
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether docs/course_map.png is up to date")
    args = parser.parse_args()
    if args.check:
        from causal_course.viz.course_map import course_map_fingerprint

        if recorded_fingerprint() != course_map_fingerprint():
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run python scripts/course_map.py")
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0
    print(f"wrote {write().relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
