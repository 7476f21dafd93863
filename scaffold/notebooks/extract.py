"""Planning an extraction (every file's new text, nothing written) and writing it atomically."""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold import fileio
from scaffold.errors import ScaffoldError
from scaffold.forkpool import run_split, usable_cpus
from scaffold.notebooks.analysis import Analysis, GlobalUse
from scaffold.notebooks.module import check_importable, merge, prune_imports, snippets
from scaffold.notebooks.project import (
    HEADER_PREFIX,
    check_module_name,
    find_package,
    find_root,
    module_name_for,
    modules_recording,
    recorded_index,
    recorded_notebooks,
    relative,
)
from scaffold.notebooks.testgen import TestSkeleton, merge_tests, skeletons, test_names
from scaffold.notebooks.tools import Job, format_jobs


@dataclass
class FileChange:
    path: Path
    old: str | None
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class ExtractResult:
    notebook: Path
    root: Path
    module_path: Path
    import_name: str  # "pkg.module"
    moved: list[str]
    constants: list[str]
    imports: list[str]
    parameters: dict[str, list[str]]
    stays: dict[str, str]
    global_uses: list[GlobalUse]
    tests: list[TestSkeleton]
    module: FileChange | None
    test_file: FileChange | None
    notebook_change: FileChange | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[FileChange]:
        found = [self.module, self.test_file, self.notebook_change]
        return [change for change in found if change is not None and change.changed]


def plan_extraction(
    notebook_path: Path,
    module: str | None = None,
    rewrite: bool = False,
    formatting: bool = True,
    root: Path | None = None,
    pending: dict[Path, str] | None = None,
    recorded: dict[str, list[tuple[str, str]]] | None = None,
) -> ExtractResult:
    """Everything ``scaffold extract`` would write, computed in memory. ``root``: the
    project receiving the code (default: the one above the notebook); ``pending``: files
    planned but not written yet (earlier notebooks of a folder), read instead of the disk."""
    from scaffold.notebooks.deps import import_warnings
    from scaffold.notebooks.reading import read_notebook
    from scaffold.notebooks.resolve import analyse

    notebook = read_notebook(notebook_path)
    root = root or find_root(notebook_path.resolve().parent)
    rel = relative(notebook_path, root)
    package, module_name = _target(root, notebook_path, rel, module, recorded)
    try:
        analysis = analyse(notebook)
    except RecursionError:
        raise ScaffoldError(f"{notebook_path} holds code nested too deeply to analyse") from None
    module_path, test_path = _paths(root, package, module_name)
    import_name = f"{package}.{module_name}"
    pending = {} if pending is None else pending
    module_change = _module_change(analysis, module_path, import_name, root, rel, pending)
    old_tests = _read(test_path)
    current_tests = pending.get(test_path, old_tests)
    tests = skeletons(analysis, rel, test_names(current_tests), root)
    test_change = _test_change(
        test_path, old_tests, current_tests, tests, package, module_name, rel
    )
    result = ExtractResult(
        notebook=notebook_path,
        root=root,
        module_path=module_path,
        import_name=import_name,
        moved=[n for item in analysis.moved for n in item.names] or [],
        constants=[n for item in analysis.constants for n in item.names],
        imports=[name for _, name in analysis.imports],
        parameters=analysis.parameters,
        stays=analysis.stays,
        global_uses=analysis.global_uses,
        tests=tests,
        module=module_change,
        test_file=test_change,
    )
    if rewrite:
        result.notebook_change = _notebook_change(notebook, analysis, import_name)
    if module_change is not None:
        packages = {package.split(".")[0], *_src_packages(root)}
        result.notes = import_warnings(analysis, notebook_path, root, packages)
    if formatting:
        format_results([result], root)
    return result


# A folder of at least this many notebooks is planned in several processes: below it, the
# fork and the pickled results cost about what the second process saves.
PARALLEL_FROM = 32
PLAN_PROCESSES = 2  # the machine this was measured on has 2 CPUs; more is not measured


def plan_folder(
    notebooks: list[Path], root: Path, module: str | None, rewrite: bool, shared: bool
) -> list[tuple[Path, ExtractResult | str]]:
    """Every notebook planned, formatted in one batch; a notebook that cannot be extracted
    gets its error message. ``shared``: a later notebook sees the files earlier ones would
    write (writing); otherwise each is planned against the disk alone, as one call each
    would (``--check``).

    A large folder is planned ahead in several processes, each notebook against the disk
    alone; then, in order, a notebook whose module or test file an earlier one plans is
    planned again seeing that plan, exactly as one process planning them in turn would."""
    index = recorded_index(root)

    def plan(notebook: Path, pending: dict[Path, str]) -> ExtractResult | str:
        try:
            return plan_extraction(notebook, module, rewrite, False, root, pending, index)
        except ScaffoldError as exc:
            return str(exc)

    def ahead(number: int) -> tuple[tuple[Path, ...], ExtractResult | str]:
        outcome = plan(notebooks[number], {})
        if isinstance(outcome, str):
            return _targets(notebooks[number], root, module, index), outcome
        package, _, name = outcome.import_name.rpartition(".")
        return _paths(root, package, name), outcome

    early = run_split(ahead, len(notebooks), plan_processes(len(notebooks)))
    pending: dict[Path, str] = {}
    planned: list[tuple[Path, ExtractResult | str]] = []
    for notebook, guess in zip(notebooks, early, strict=True):
        if guess is not None and not any(path in pending for path in guess[0]):
            outcome = guess[1]
        else:
            outcome = plan(notebook, dict(pending))
        planned.append((notebook, outcome))
        if shared and not isinstance(outcome, str):
            for change in (outcome.module, outcome.test_file):
                if change is not None:
                    pending[change.path] = change.new
    format_results([r for _, r in planned if not isinstance(r, str)], root, shared)
    return planned


def plan_processes(notebooks: int) -> int:
    """How many processes plan a folder of ``notebooks``."""
    if notebooks < PARALLEL_FROM or not hasattr(os, "fork"):
        return 1
    return min(PLAN_PROCESSES, usable_cpus())


def _paths(root: Path, package: str, module_name: str) -> tuple[Path, Path]:
    """The module and the test file extract writes for ``package.module_name``."""
    module_path = root / "src" / package.replace(".", "/") / f"{module_name}.py"
    return module_path, root / "tests" / f"test_{module_name}.py"


def _targets(
    notebook: Path, root: Path, module: str | None, index: dict[str, list[tuple[str, str]]]
) -> tuple[Path, ...]:
    """The module and test file of a notebook whose plan failed; none when the failure came
    before they were known (then no earlier plan can change it)."""
    try:
        return _paths(root, *_target(root, notebook, relative(notebook, root), module, index))
    except ScaffoldError:
        return ()


def format_results(results: list[ExtractResult], root: Path, shared: bool = True) -> None:
    """The project's fixer and formatter over every module and test file planned, in one
    batch; what the fixer leaves in a module is reported by rule. ``shared``: a file planned
    by several notebooks holds all their code in its last plan, which every one reports;
    otherwise each plan is formatted on its own."""
    jobs: dict[int, Job] = {}
    last: dict[Path, int] = {}
    where: dict[Path, str] = {}  # each path made relative once (it resolves symlinks)
    for result in results:
        for change, fix in ((result.module, True), (result.test_file, False)):
            if change is not None and change.changed:
                if change.path not in where:
                    where[change.path] = relative(change.path, root)
                jobs[id(change)] = Job(where[change.path], change.new, fix)
                last[change.path] = id(change)
    if shared:
        kept = set(last.values())
        jobs = {key: job for key, job in jobs.items() if key in kept}
    batches: list[list[Job]] = [[]]
    seen: dict[str, int] = {}  # plans of a path so far: the batch its next plan goes in
    for job in jobs.values():  # one file per path in a batch: same-path plans go in the next
        number = seen[job.path] = seen.get(job.path, -1) + 1
        if number == len(batches):
            batches.append([])
        batches[number].append(job)
    for batch in batches:
        format_jobs(batch, root, first_party=path_package(root))
    for result in results:
        for change in (result.module, result.test_file):
            if change is None:
                continue
            key = id(change) if id(change) in jobs else last.get(change.path)
            if key in jobs:
                change.new = jobs[key].text
        module = result.module
        key = (
            None
            if module is None
            else (id(module) if id(module) in jobs else last.get(module.path))
        )
        if module is not None and key in jobs:  # the job's path is the module's
            result.notes += [f"{jobs[key].path}: {line}" for line in jobs[key].remaining]


def _src_packages(root: Path) -> set[str]:
    src = root / "src"
    return {p.name for p in src.iterdir() if p.is_dir()} if src.is_dir() else set()


def project_root(notebook: Path, start: Path) -> Path:
    """The project of the working directory ``start``: the notebook must be inside it."""
    try:
        root = find_root(start)
    except ScaffoldError:
        raise ScaffoldError(
            f"no pyproject.toml in {start} or above: run scaffold extract from the project "
            "that should receive the code (the working directory decides, not the notebook)"
        ) from None
    if not notebook.resolve().is_relative_to(root.resolve()):
        raise ScaffoldError(
            f"{notebook} is outside the project {root} (found from the working directory "
            f"{start}): run scaffold extract from the notebook's project"
        )
    return root


def _target(
    root: Path,
    notebook_path: Path,
    rel: str,
    module: str | None,
    index: dict[str, list[tuple[str, str]]] | None = None,
) -> tuple[str, str]:
    if module and "." in module:
        package, _, name = module.rpartition(".")
        if not (root / "src" / package.replace(".", "/") / "__init__.py").is_file():
            init = Path("src", *package.split("."), "__init__.py")
            raise ScaffoldError(f"no package {package} in {root / 'src'}: create {init} first")
        return package, check_module_name(name)
    if module:
        return find_package(root), check_module_name(module)
    return _recorded_target(root, notebook_path, rel, index) or (
        find_package(root),
        module_name_for(notebook_path),
    )


def _recorded_target(
    root: Path, notebook_path: Path, rel: str, index: dict[str, list[tuple[str, str]]] | None
) -> tuple[str, str] | None:
    """The module an earlier extract of this notebook wrote (its header records it)."""
    found = modules_recording(root, rel, index)
    if len(found) > 1:
        default = module_name_for(notebook_path)
        found = [target for target in found if target[1] == default] or found
    if len(found) > 1:
        names = ", ".join(f"{package}.{name}" for package, name in found)
        raise ScaffoldError(f"{rel} is recorded in several modules ({names}); pass --module")
    return found[0] if found else None


def path_package(root: Path) -> str:
    """The project's package: first-party for import sorting."""
    try:
        return find_package(root)
    except ScaffoldError:
        return ""


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScaffoldError(f"cannot read {path}: {exc}") from exc


def _module_change(
    analysis: Analysis,
    path: Path,
    import_name: str,
    root: Path,
    rel: str,
    pending: dict[Path, str],
) -> FileChange | None:
    old = _read(path)
    current = pending.get(path, old)
    header = HEADER_PREFIX + rel  # rel is already relative to the resolved root
    where = relative(path, root)
    if current is not None and not recorded_notebooks(current):
        raise ScaffoldError(
            f"{where} exists and was not written by scaffold extract; "
            "choose another name with --module"
        )
    if current is not None:
        _check_owners(analysis, current, root, rel, where, import_name)
    found = snippets(analysis, import_name)
    if not found or not analysis.moved + analysis.constants:
        return None if current is None else FileChange(path, old, current)
    base = current or f'{header}\n"""Code extracted from {rel} by scaffold extract."""\n'
    text, tree = prune_imports(merge(base, header, found))
    check_importable(text, where, tree)
    return FileChange(path, old, text)


_DEFINITION = re.compile(r"^(?:async\s+def|def|class)\s+(\w+)", re.MULTILINE)


def _check_owners(
    analysis: Analysis, old: str, root: Path, rel: str, module: str, import_name: str
) -> None:
    """Refuse to replace a definition of the module that another recorded notebook defines,
    or imports from it (its code already moved there by --rewrite-notebook): two notebooks
    sharing a module must not overwrite each other's code."""
    from scaffold.notebooks.reading import read_notebook

    moving = {name for item in analysis.moved for name in item.names}
    held = moving & set(_definitions(old))
    for other in recorded_notebooks(old):
        if other == rel or not held or not (root / other).is_file():
            continue
        try:
            cells = read_notebook(root / other).cells
        except ScaffoldError:
            continue
        theirs = {m for cell in cells for m in _DEFINITION.findall(cell.source)}
        theirs |= {m for cell in cells for m in names_imported_from(cell.source, import_name)}
        for name in sorted(held & theirs):
            suggestion = re.sub(r"\W+", "_", Path(rel).stem.lower()).strip("_")
            raise ScaffoldError(
                f"{module} already holds `{name}` from {other}, and {rel} defines its own "
                f"`{name}`: extract it into its own module, e.g. --module {suggestion}"
            )


def names_imported_from(source: str, import_name: str) -> set[str]:
    """The names a cell imports from module ``import_name`` (``from m import a, b as c`` or
    the parenthesised form): a rewritten notebook's use of the code it moved there."""
    statement = re.compile(
        rf"^[ \t]*from[ \t]+{re.escape(import_name)}[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)",
        re.MULTILINE,
    )
    names = set()
    for group in statement.findall(source):
        for part in re.sub(r"#[^\n]*", "", group).strip("()").replace("\\\n", " ").split(","):
            words = part.split()
            if words and words[0].isidentifier():
                names.add(words[0])
    return names


def _test_change(
    path: Path,
    old: str | None,
    current: str | None,
    tests: list[TestSkeleton],
    package: str,
    module: str,
    rel: str,
) -> FileChange | None:
    if not tests:
        return None if current is None or current == old else FileChange(path, old, current)
    text = merge_tests(current, tests, package, module, rel)
    return FileChange(path, old, text.rstrip() + "\n")


def _notebook_change(notebook: Any, analysis: Analysis, import_name: str) -> FileChange | None:
    from scaffold.notebooks.nbrewrite import rewrite
    from scaffold.notebooks.nbtext import splice

    sources = rewrite(notebook, analysis, import_name)
    old = notebook.path.read_text(encoding="utf-8")
    return FileChange(notebook.path, old, old if sources is None else splice(old, sources))


def write_changes(changes: list[FileChange]) -> None:
    """Write every file to a temporary sibling first, then move them all in."""
    fileio.write_files([(change.path, change.new) for change in changes])


def differences(result: ExtractResult) -> list[str]:
    """What differs between the notebook and the files extract would write."""
    found = []
    if result.module is not None and result.module.changed:
        found += module_differences(result.module, result.root)
    change = result.notebook_change
    if change is not None and change.changed:
        found.append(
            f"{relative(change.path, result.root)} still holds code that moved: {', '.join(result.moved + result.constants)}"
        )
    return found


def module_differences(change: FileChange, root: Path) -> list[str]:
    where = relative(change.path, root)
    if change.old is None:
        return [f"{where} does not exist yet: run scaffold extract"]
    old, new = _definitions(change.old), _definitions(change.new)
    found = [
        f"{where}: {name} differs from the notebook"
        if name in old
        else f"{where}: {name} is in the notebook but not in the module"
        for name in new
        if old.get(name) != new[name]
    ]
    return found or [f"{where} differs from what scaffold extract writes (imports or formatting)"]


def _definitions(text: str) -> dict[str, str]:
    from scaffold.notebooks.analysis import bound_names

    found = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for name in bound_names(node):
            found[name] = ast.unparse(node)
    return found


@dataclass(frozen=True)
class SyncProblem:
    notebook: str
    module: str
    message: str


def check_sync(project_root: Path) -> list[SyncProblem]:
    """Every notebook a module records it was extracted from, compared with that module."""
    problems = []
    src = project_root / "src"
    for module_path in sorted(src.rglob("*.py")):
        text = _read(module_path) or ""
        module = relative(module_path, project_root)
        for rel in recorded_notebooks(text):
            notebook = project_root / rel
            if not notebook.is_file():
                problems.append(
                    SyncProblem(rel, module, f"{rel} is recorded in {module} but is missing")
                )
                continue
            import_name = ".".join(module_path.relative_to(src).with_suffix("").parts)
            try:
                result = plan_extraction(notebook, import_name)
            except ScaffoldError as exc:
                problems.append(SyncProblem(rel, module, str(exc)))
                continue
            problems += [SyncProblem(rel, module, message) for message in differences(result)]
    return problems
