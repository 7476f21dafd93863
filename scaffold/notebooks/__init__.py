"""Notebook code into the package: ``plan_extraction``, ``write_changes``, ``check_sync``.

No CLI here: ``scaffold.commands.extract`` renders; ``scaffold check`` can call
``check_sync(project_root)``.
"""

from scaffold.notebooks.extract import (
    ExtractResult,
    FileChange,
    SyncProblem,
    check_sync,
    differences,
    plan_extraction,
    write_changes,
)

__all__ = [
    "ExtractResult",
    "FileChange",
    "SyncProblem",
    "check_sync",
    "differences",
    "plan_extraction",
    "write_changes",
]
