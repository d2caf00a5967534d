"""The worlds the report tests read.

`demo_world`: the demo's goals and audit (`goals_demo_ensure`, `plans_demo_ensure`) on a small
synthetic register with an analysis store: 300 persons, so that published figures stand beside
hidden ones (`..`). `small_world`: the hand-written goal tree of tests/goals/support.py (manual
indicators, no store) and the small audit of tests/plans/world.py, for the rules that need no
figures: ready marks, permissions, archiving.
"""

from dataclasses import dataclass
from pathlib import Path

from helhetsbild.goals.demo import goals_demo_ensure
from helhetsbild.organisation.models import Committee
from helhetsbild.plans.models import Status
from helhetsbild.plans.services import plans_demo_ensure
from helhetsbild.web.demo import demo_users
from tests.analysis.test_pages import build_small_world
from tests.goals.support import YEAR, Tree, make_tree, report
from tests.plans.world import make_action, make_audit


def demo_world(committees: dict[str, Committee], folder: Path) -> None:
    build_small_world(committees, folder)
    demo_users()
    goals_demo_ensure(YEAR)
    plans_demo_ensure()


@dataclass
class SmallWorld:
    tree: Tree
    committees: dict[str, Committee]


def small_world(committees: dict[str, Committee]) -> SmallWorld:
    tree = make_tree(committees)
    report(tree.assistance, 14, "Ur verksamhetssystemet")
    report(tree.work, 30)
    audit = make_audit(committees)
    make_action(audit, committees["SN"], status=Status.STARTED)
    make_action(audit, committees["KS"], position=2)
    return SmallWorld(tree=tree, committees=committees)
