"""ustoo's benchmarks: `python -m bench` (or `make bench`) runs them all; see bench/RESULTS.md."""

from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def server_log(name: str):
    """A file for a benchmarked server's output. Not a pipe: a pipe nobody reads fills up, and then a
    server that logs (an error on every request, say) stops answering instead of failing visibly."""
    OUT.mkdir(parents=True, exist_ok=True)
    return (OUT / f"{name}-server.log").open("ab")
