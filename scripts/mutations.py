"""Plant named bugs in the model, one at a time, and check the fast tests catch each.

Each mutation is one exact edit of one source file (the text it replaces must occur there
exactly once, so a mutation that no longer applies after a refactor fails loudly instead of
passing silently). For each, the tracked files are copied to a temporary directory, the
edit is made there (the working tree is never touched), and the tests run on the copy:
first the tests that pin values (tests/test_handworked.py, tests/test_golden.py), then, if
those miss it, the whole fast suite (``-m "not slow and not browser"``), stopping at the
first failure. A mutation is *caught* if any test fails.

    python scripts/mutations.py              # every mutation
    python scripts/mutations.py bailouts     # those whose name contains "bailouts"
    python scripts/mutations.py --list       # names only

Prints one line per mutation and exits non-zero if any was missed. mutmut was not used:
it mutates every expression it can parse, and each mutant of a numba-compiled function
recompiles the kernels (tens of seconds), so a full mutmut run would take hours on a
2-core machine; named mutations of the bugs we fear are cheap and say what they test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PINNING = ["tests/test_handworked.py", "tests/test_golden.py"]
# the fast suite without the check that every mutation still applies (a planted bug makes
# its own text vanish from the copy, which that check would report for any mutation)
FAST = ["-m", "not slow and not browser", "tests", "--ignore=tests/test_mutations_apply.py"]


class Mutation(NamedTuple):
    name: str
    path: str
    old: str
    new: str


KERNEL = "stpgame/core/year_kernel.py"
MUTATIONS = [
    Mutation(
        "settle_footprint_term_halved",
        KERNEL,
        "_blend(_floor0(-after), _floor0(-fp_after) * nhs_share, w)",
        "_blend(_floor0(-after), 0.5 * _floor0(-fp_after) * nhs_share, w)",
    ),
    Mutation(
        "landed_savings_not_discounted",
        KERNEL,
        "landed[f] = rules.discount * generated",
        "landed[f] = generated",
    ),
    Mutation(
        "regulator_ignores_system_weight",
        KERNEL,
        "_blend(_floor0(-after), _floor0(-fp_after) * nhs_share, w)",
        "_blend(_floor0(-after), _floor0(-fp_after) * nhs_share, 0.0)",
    ),
    Mutation(
        "regulator_footprint_term_sign_flipped",
        KERNEL,
        "_floor0(-fp_after) * nhs_share",
        "_floor0(fp_after) * nhs_share",
    ),
    Mutation(
        "bailouts_pay_nothing",
        KERNEL,
        "return penalty, share * _floor0(-(after - penalty)) * nhs",
        "return penalty, 0.0 * share",
    ),
    Mutation(
        "cost_shifting_removed",
        KERNEL,
        "shifted = rules.cost_shift * cuts_fp[f] * rc.nhs_share[i] if rules.balanced_budget else 0.0",
        "shifted = 0.0",
    ),
    Mutation(
        "activity_payment_removed",
        "stpgame/core/economy.py",
        "moved = np.where(present[:, CCG], p.activity_payment * type_share[:, ACUTE], 0.0)",
        "moved = np.zeros(len(type_share))",
    ),
    Mutation(
        "savings_lag_dropped",
        KERNEL,
        "landed[f] = year.landed_now[f] + generated if rules.lag_zero else year.landed_now[f]",
        "landed[f] = year.landed_now[f] + generated",
    ),
    Mutation(
        "trust_gain_sign_flipped",
        "stpgame/core/network.py",
        "t = t + growth[link] * (1.0 - t)",
        "t = t - growth[link] * (1.0 - t)",
    ),
    Mutation(
        "better_care_fund_builds_no_trust",
        "stpgame/core/model.py",
        "bcf=p.bcf_minimum_share > 0)",
        "bcf=False)",
    ),
    Mutation(
        "central_money_never_paid",
        KERNEL,
        "central = allocation * earned[i] + again",
        "central = 0.0 * allocation",
    ),
    Mutation(
        "bcf_minimum_ignored",
        "stpgame/core/economy.py",
        "self.bcf_minimum = budget * np.where(",
        "self.bcf_minimum = 0.0 * budget * np.where(",
    ),
    Mutation(
        "incentive_threshold_ignored",
        KERNEL,
        "chosen = rules.incentive_fund if pooled_share >= rules.incentive_threshold else 0.0",
        "chosen = rules.incentive_fund",
    ),
    Mutation(
        "transformation_money_not_added",
        KERNEL,
        "net = net + tf * c\n",
        "net = net + 0.0 * tf * c\n",
    ),
    Mutation(
        "risk_sharing_transfers_dropped",
        KERNEL,
        "net = net + transfer\n",
        "net = net + 0.0 * transfer\n",
    ),
    Mutation(
        "support_loans_counted_as_income",
        KERNEL,
        "rows.balance[i] = after - penalty + (0.0 if rules.loans else bailout)",
        "rows.balance[i] = after - penalty + bailout",
    ),
    Mutation(
        "stf_paid_to_commissioners_too",
        KERNEL,
        "allocation = rules.sustainability_fund * rows.income[i] * rc.provider[i]\n",
        "allocation = rules.sustainability_fund * rows.income[i] * rc.nhs[i]\n",
    ),
    Mutation(
        "stf_assessed_once_a_year",
        KERNEL,
        "        met += 0.25 if margin + z * spread >= 0.0 else 0.0",
        "        met += 0.25 if margin >= 0.0 else 0.0",
    ),
    Mutation(
        "trusts_cost_gap_never_grows",
        "stpgame/core/economy.py",
        "return p.cost_drift * min(max(year - 1, 0), p.cost_drift_years)",
        "return 0.0 * p.cost_drift",
    ),
    Mutation(
        "control_totals_ignore_the_grown_gap",
        KERNEL,
        "target = rc.target[i] - year.planned_drift * rc.provider[i]",
        "target = rc.target[i]",
    ),
    Mutation(
        "savings_ignore_need",
        "stpgame/core/economy.py",
        "need=(demand / money) ** p.savings_need_elasticity,",
        "need=1.0,",
    ),
    Mutation(
        "unearned_stf_kept_at_the_centre",
        KERNEL,
        "pot = rules.stf_redistribution * unearned",
        "pot = 0.0 * unearned",
    ),
    Mutation(
        "year_end_bonus_paid_whether_or_not_the_total_was_met",
        KERNEL,
        "again = incentive * beaten + bonus * allocation * eligible[i]",
        "again = incentive * beaten + bonus * allocation",
    ),
    Mutation(
        "estimates_see_this_years_year_end_rates",
        "stpgame/core/counterfactuals.py",
        "            rated_rows=2 * n,\n",
        "            rated_rows=10**9,\n",
    ),
    Mutation(
        "learners_ignore_what_they_observed",
        "stpgame/strategies/adaptive.py",
        "(levels[j] - took[i]) * estimate[i]",
        "(levels[j] - took[i]) * 0.0",
    ),
    Mutation(
        "estimates_see_the_years_draws",
        "stpgame/core/counterfactuals.py",
        "        savings_shock[2 * n_fp :] = 1.0\n        cost_shock[2 * n :] = 0.0\n",
        "",
    ),
    Mutation(
        "control_totals_ignore_the_regulators_stretch",
        "stpgame/core/economy.py",
        "-gap - p.control_total_slack + moved",
        "-gap - p.control_total_slack",
    ),
    Mutation(
        "the_year_before_plays_2016_17_rules",
        "stpgame/core/model.py",
        "            self.params = p.replace(**HISTORY_RULES)\n",
        "            pass\n",
    ),
    Mutation(
        "interrupts_raised_inside_compiled_call_backs",
        "stpgame/core/compiled.py",
        "    if _calls.depth:\n        _calls.pending = exc\n        return\n",
        "",
    ),
    Mutation(
        "argmax_instead_of_quantal_response",
        "stpgame/strategies/base.py",
        "z[i, j] = precision * attraction[i, j] / safe",
        "z[i, j] = 1e6 * attraction[i, j] / safe",
    ),
    Mutation(
        "acute_gap_raises_the_providers_deficit",
        "stpgame/core/economy.py",
        "np.where(acute, 1.0 - acute_share, -acute_share)",
        "np.where(acute, 1.0, 0.0)",
    ),
    Mutation(
        "two_year_totals_follow_the_plan",
        "stpgame/core/economy.py",
        "if self.p.two_year_totals and year in TWO_YEAR_TOTALS:",
        "if False:",
    ),
    Mutation(
        "new_leader_wipes_the_books",
        "stpgame/core/model.py",
        "            obj.new_leader(which)\n",
        "            obj.reset(which)\n",
    ),
]


def tracked_copy(into: Path) -> None:
    """The files git tracks (as in the working tree), copied under ``into``."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            target = into / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def apply(mutation: Mutation, root: Path) -> None:
    path = root / mutation.path
    text = path.read_text()
    count = text.count(mutation.old)
    if count != 1:
        raise SystemExit(
            f"mutation {mutation.name}: the text it replaces occurs {count} times in "
            f"{mutation.path} (must be exactly once); update scripts/mutations.py"
        )
    path.write_text(text.replace(mutation.old, mutation.new))


def pytest(root: Path, args: list[str]) -> tuple[bool, str]:
    """Whether the tests passed, and the first failing test's id."""
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            *args,
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return done.returncode == 0, failed[0] if failed else ""


def run(mutation: Mutation) -> tuple[bool, str]:
    """Whether the fast tests catch the mutation, and by which test."""
    with tempfile.TemporaryDirectory(prefix="stpgame-mutant-") as tmp:
        root = Path(tmp)
        tracked_copy(root)
        apply(mutation, root)
        for args in (PINNING, FAST):
            passed, which = pytest(root, args)
            if not passed:
                return True, which
    return False, ""


def main(argv: list[str]) -> int:
    if "--list" in argv:
        print("\n".join(m.name for m in MUTATIONS))
        return 0
    chosen = [m for m in MUTATIONS if not argv or any(a in m.name for a in argv)]
    missed = 0
    for mutation in chosen:
        start = time.perf_counter()
        caught, which = run(mutation)
        missed += not caught
        seconds = time.perf_counter() - start
        verdict = f"caught by {which}" if caught else "MISSED"
        print(f"{mutation.name:40s} {verdict} ({seconds:.0f} s)", flush=True)
    print(f"{len(chosen) - missed} of {len(chosen)} mutations caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
