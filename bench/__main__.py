"""`make bench`: run every benchmark, or the ones named (`python -m bench web movement`); experiments
run only when named (`python -m bench campaigns_ceiling`).

Options belong to one benchmark: `python -m bench.movement --help`."""

import importlib
import sys

SUITES = [
    "web",
    "flood",
    "login_flood",
    "magnitude",
    "campaigns",
    "movement",
    "movement_cluster",
    "journal_tokens",
    "journal_browser",
    "matching",
    "matching_browser",
    "cluster",
]
# Experiments run only when named: they answer a question once rather than track a figure.
EXPERIMENTS = ["campaigns_ceiling"]


def main(argv: list[str]) -> int:
    names = argv or SUITES
    unknown = [name for name in names if name not in SUITES + EXPERIMENTS]
    if unknown:
        known = ", ".join(SUITES + EXPERIMENTS)
        print(
            f"python -m bench: no benchmark named {', '.join(unknown)}; choose from {known}. "
            "Options go to one benchmark: python -m bench.<name> --help",
            file=sys.stderr,
        )
        return 2
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== bench.{name}", flush=True)
        status = module.main([])
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
