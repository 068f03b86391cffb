"""Keep every notebook's Colab/Binder badges and Colab install cell in step with the release.

    python scripts/deployment.py                          # rewrite them from pyproject.toml's version
    python scripts/deployment.py --repository OWNER/NAME  # after forking: point them at your repository
    python scripts/deployment.py --check                  # exit 1 if any notebook is out of step

The repository and version live in pyproject.toml ([project] version, [tool.causal_course]
repository). Each lesson and solution notebook gets, right after its title cell, one code cell
that installs this release of the package when it runs on Google Colab and does nothing anywhere
else; the title cell gets an "Open in Colab" and a "Binder" badge. Exercises are regenerated from
the solutions afterwards (``causal-course exercises``).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "# On Google Colab, install this course's package"
BADGE_START, BADGE_END = "<!-- badges -->", "<!-- /badges -->"


def project_settings(root: Path = ROOT) -> tuple[str, str]:
    """(repository, version) from pyproject.toml."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    data = tomllib.loads((root / "pyproject.toml").read_text())
    return data["tool"]["causal_course"]["repository"], data["project"]["version"]


def colab_cell_source(repository: str, version: str) -> str:
    """The install cell: a no-op outside Colab, and on Colab only when the package is missing."""
    return (
        f"{MARKER} (release v{version});\n"
        "# anywhere else this cell does nothing. Colab's own torch and numpy are kept.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import importlib.util\n"
        "    import subprocess\n"
        "\n"
        '    if importlib.util.find_spec("causal_course") is None:\n'
        '        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",\n'
        f'                        "causal-course @ git+https://github.com/{repository}@v{version}"], check=True)'
    )


def badges(repository: str, version: str, path: str) -> str:
    quoted = path.replace("/", "%2F")
    return (f"{BADGE_START}[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"(https://colab.research.google.com/github/{repository}/blob/v{version}/{path}) "
            f"[![Binder](https://mybinder.org/badge_logo.svg)]"
            f"(https://mybinder.org/v2/gh/{repository}/v{version}?labpath={quoted}){BADGE_END}")


def update_notebook(notebook, repository: str, version: str, path: str):
    """Put the badges into the title cell and the install cell right after it; return the notebook."""
    import nbformat

    title = notebook.cells[0]
    text = re.sub(re.escape(BADGE_START) + ".*?" + re.escape(BADGE_END) + r"\n*", "", title.source, flags=re.S)
    heading, _, rest = text.partition("\n")
    title.source = heading + "\n\n" + badges(repository, version, path) + ("\n\n" + rest.lstrip("\n") if rest.strip() else "")
    notebook.cells = [cell for cell in notebook.cells if not (cell.cell_type == "code" and cell.source.startswith(MARKER))]
    cell = nbformat.v4.new_code_cell(colab_cell_source(repository, version))
    cell.id = "colab-install"  # a fixed id keeps the script idempotent
    notebook.cells.insert(1, cell)
    return notebook


def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "notebooks").glob("*.ipynb")) + sorted((root / "solutions").glob("*.ipynb"))


def main() -> int:
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", help="OWNER/NAME on GitHub (also written into pyproject.toml)")
    parser.add_argument("--check", action="store_true", help="only report notebooks that are out of step")
    args = parser.parse_args()
    if args.repository:
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", args.repository):
            parser.error("--repository must look like OWNER/NAME")
        pyproject = ROOT / "pyproject.toml"
        pyproject.write_text(re.sub(r'(?m)^repository = ".*"$', f'repository = "{args.repository}"', pyproject.read_text()))
    repository, version = project_settings()
    stale = []
    for path in notebooks():
        relative = path.relative_to(ROOT).as_posix()
        original = path.read_text(encoding="utf-8")
        notebook = update_notebook(nbformat.reads(original, as_version=4), repository, version, relative)
        updated = nbformat.writes(notebook) + "\n"
        if updated != original:
            stale.append(relative)
            if not args.check:
                path.write_text(updated, encoding="utf-8")
    if args.check:
        for relative in stale:
            print(f"out of step: {relative} (run python scripts/deployment.py)", file=sys.stderr)
        return 1 if stale else 0
    print(f"{len(stale)} notebook(s) updated for {repository} v{version}; now run `causal-course exercises`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
