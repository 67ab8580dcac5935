"""`make bench`: run every benchmark, or the ones named (`python -m bench web movement`).

Options belong to one benchmark: `python -m bench.movement --help`."""

import importlib
import sys

SUITES = ["web", "flood", "magnitude", "campaigns", "movement"]


def main(argv: list[str]) -> int:
    names = argv or SUITES
    unknown = [name for name in names if name not in SUITES]
    if unknown:
        print(
            f"python -m bench: no benchmark named {', '.join(unknown)}; choose from {', '.join(SUITES)}. "
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
