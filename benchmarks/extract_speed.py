"""How fast ``scaffold extract`` is, beside ``jupytext --to py:percent`` on the same notebooks.

    python benchmarks/extract_speed.py [--notebooks 200]

Generates realistic notebooks (markdown, imports, magics, shell lines, functions with
docstrings, a class, constants, data loading, plots, prints) into a temporary src-layout
project, then times, on the same files:
- scaffold extract FOLDER: the CLI over the whole folder in one command (analysis, modules,
  tests, one batch of ruff fixes and formatting for all of them), as a user runs it;
- scaffold extract NOTEBOOK once per notebook, in process (its formatter runs per notebook);
- the same without the formatter (the analysis alone);
- jupytext --to py:percent, one process for all files (its best case);
- jupytext's Python API, in process (read + write py:percent).

Each row: seconds, notebooks/s (wall clock) and CPU milliseconds per notebook (the process
and the processes it ran: ruff, jupytext), the figure a loaded machine distorts least.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KERNEL = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}


def realistic_cells(rng: random.Random, topic: str) -> list[nbformat.NotebookNode]:
    cells = [
        new_markdown_cell(f"# {topic.title()}\n\nExploring the {topic} data."),
        new_code_cell(
            "%matplotlib inline\n%load_ext autoreload\n%autoreload 2\n"
            "import json\nimport math\nimport re\nfrom pathlib import Path\n"
            "from collections import Counter\n\nimport matplotlib.pyplot as plt"
        ),
        new_code_cell(
            f"DATA_DIR = Path('data/{topic}')\nTHRESHOLD = {rng.random():.2f}\n"
            f"COLUMNS = {[f'col_{i}' for i in range(rng.randint(3, 8))]!r}\n"
            "!ls {DATA_DIR}\nrows = [dict(zip(COLUMNS, range(len(COLUMNS)))) for _ in range(100)]"
        ),
    ]
    for index in range(rng.randint(4, 9)):
        cells.append(new_markdown_cell(f"## Step {index}"))
        cells.append(new_code_cell(_function(rng, index)))
        cells.append(new_code_cell(_exploration(rng, index)))
    cells.append(
        new_code_cell(
            'class Scaler:\n    """Min-max scaling."""\n\n    def __init__(self, low=0.0, high=1.0):\n'
            "        self.low, self.high = low, high\n\n    def fit(self, values):\n"
            "        self.min_, self.max_ = min(values), max(values)\n        return self\n\n"
            "    def transform(self, values):\n        span = (self.max_ - self.min_) or 1\n"
            "        return [self.low + (v - self.min_) / span * (self.high - self.low) for v in values]"
        )
    )
    cells.append(
        new_code_cell("%%time\nscaled = Scaler().fit([1, 2, 3]).transform([1, 2, 3])\nscaled")
    )
    return cells


def _function(rng: random.Random, index: int) -> str:
    body = rng.choice(
        [
            "    counts = Counter(row[key] for row in rows)\n    return counts.most_common(3)",
            "    return [math.log1p(abs(row.get(key, 0))) for row in rows if row]",
            "    cleaned = re.sub(r'\\W+', '_', str(key)).lower()\n    return cleaned, len(rows)",
            "    return json.dumps({'key': key, 'n': len(rows)}, sort_keys=True)",
            "    return sum(1 for row in rows if row.get(key, 0) > THRESHOLD)",
        ]
    )
    magic = "    %time _ = len(rows)\n" if rng.random() < 0.2 else ""
    return f'def step_{index}(rows, key=\'col_0\'):\n    """Step {index}."""\n{magic}{body}'


def _exploration(rng: random.Random, index: int) -> str:
    return rng.choice(
        [
            f"result_{index} = step_{index}(rows)\nprint(result_{index})",
            f"step_{index}([{{'col_0': 1}}], 'col_0')",
            f"plt.plot(range(10))\nplt.title('step {index}')\nplt.show()",
            f"step_{index}?",
        ]
    )


def generate(root: Path, count: int) -> list[Path]:
    (root / "src" / "bench").mkdir(parents=True)
    (root / "src" / "bench" / "__init__.py").write_text("")
    (root / "notebooks").mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "bench"\nversion = "0"\n')
    rng = random.Random(20261124)
    paths = []
    for number in range(count):
        topic = f"topic{number}"
        path = root / "notebooks" / f"{number:03d}-ab-{topic}.ipynb"
        nbformat.write(new_notebook(cells=realistic_cells(rng, topic), metadata=KERNEL), path)
        paths.append(path)
    return paths


def cpu_seconds() -> float:
    """CPU time of this process and of the finished processes it started (theirs included)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(label: str, count: int, action: Callable[[], object]) -> float:
    """Wall-clock rate, and CPU milliseconds per notebook: what the work costs whatever else
    runs on the machine (load stretches the wall clock far more than the CPU time)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    action()
    seconds = time.perf_counter() - start
    per_notebook = (cpu_seconds() - cpu) / count * 1000
    print(
        f"{label:<48} {seconds:7.2f} s   {count / seconds:8.1f} notebooks/s"
        f"   {per_notebook:6.1f} ms CPU/notebook"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=600)
    args = parser.parse_args()

    from scaffold.notebooks import plan_extraction, write_changes

    with tempfile.TemporaryDirectory(prefix="scaffold-bench-") as tmp:
        root = Path(tmp) / "project"
        paths = generate(root, args.notebooks)
        n = len(paths)
        cells = sum(len(nbformat.read(p, 4).cells) for p in paths)
        print(f"{n} notebooks, {cells / n:.0f} cells each on average\n")

        def extract(formatting: bool) -> None:
            for path in paths:
                write_changes(plan_extraction(path, formatting=formatting).changes)

        def reset() -> None:
            shutil.rmtree(root / "tests", ignore_errors=True)
            for module in (root / "src" / "bench").glob("topic*.py"):
                module.unlink()

        scaffold = str(Path(sys.executable).parent / "scaffold")
        folder = [scaffold, "extract", "notebooks", "--json"]
        timed(
            "scaffold extract notebooks/ (CLI, one command)",
            n,
            lambda: subprocess.run(folder, cwd=root, check=True, capture_output=True),
        )
        modules = len(list((root / "src" / "bench").glob("topic*.py")))
        print(f"{'':<48} ({modules} modules written)")
        check = [scaffold, "extract", "notebooks", "--check"]
        timed(
            "scaffold extract notebooks/ --check (CLI)",
            n,
            lambda: subprocess.run(check, cwd=root, check=True, capture_output=True),
        )
        reset()
        timed("scaffold extract (analysis, module, tests)", n, lambda: extract(False))
        reset()
        timed("scaffold extract + ruff, one notebook at a time", n, lambda: extract(True))

        jupytext = str(Path(sys.executable).parent / "jupytext")
        command = [jupytext, "--quiet", "--to", "py:percent", *map(str, paths)]
        timed(
            "jupytext --to py:percent (one process)", n, lambda: subprocess.run(command, check=True)
        )

        import jupytext as jt

        def convert() -> None:
            for path in paths:
                jt.writes(jt.read(path), fmt="py:percent")

        timed("jupytext API read + writes py:percent", n, convert)


if __name__ == "__main__":
    main()
