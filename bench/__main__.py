"""`make bench`: run every benchmark, or the ones named (`python -m bench web movement`)."""

import importlib
import sys

SUITES = ["web", "flood", "magnitude", "campaigns", "movement"]


def main(argv: list[str]) -> int:
    names = argv or SUITES
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== bench.{name}", flush=True)
        status = module.main([])
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
