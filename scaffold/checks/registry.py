"""Which steps each command runs, as ``"module:factory"`` names imported only when used.

A factory takes a ``CheckContext`` and returns a list of steps (``model.Step``). To plug a
step into ``scaffold check`` (notebook extraction in sync, template drift...), add its factory
to the ``check`` group below; steps run in the order listed, tests last because they are slow.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from scaffold.checks.context import CheckContext
from scaffold.checks.model import Step

StepFactory = Callable[[CheckContext], list[Step]]

LINT = "scaffold.checks.lint:lint_steps"
TEST = "scaffold.checks.testing:test_steps"
SYNC = "scaffold.checks.sync:sync_steps"

GROUPS: dict[str, tuple[str, ...]] = {
    "lint": (LINT,),
    "test": (TEST,),
    "check": (LINT, SYNC, TEST),
}


def load_factory(name: str) -> StepFactory:
    module, _, attribute = name.partition(":")
    factory: StepFactory = getattr(import_module(module), attribute)
    return factory


def steps_for(group: str, context: CheckContext) -> list[Step]:
    return [step for name in GROUPS[group] for step in load_factory(name)(context)]
