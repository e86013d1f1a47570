"""Shared fixtures: the repository, the seeds beside it, and the CLI binary built by
`cargo test --release` / `cargo build --release` (the tests compare against it)."""

import pathlib
import re
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"


def seed(prefix: str) -> pathlib.Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.fail(f"no seed {prefix}_* in {SEEDS} (../shared must sit beside the repository)")
    return found[0]


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    binary = REPO / "target" / "release" / "mtcheck"
    if not binary.exists():
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    return binary


@pytest.fixture(scope="session")
def checker():
    import mtcheck

    return mtcheck.shared_checker()


@pytest.fixture(scope="session")
def server(cli):
    """`mtcheck serve` on a free loopback port: its base URL."""
    process = subprocess.Popen([str(cli), "serve", "--bind", "127.0.0.1:0", "-q"], stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    match = re.search(r"listening on (http://\S+)", line)
    assert match, line
    yield match.group(1)
    process.kill()
    process.wait()
