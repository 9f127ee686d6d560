"""Synthetic catalogs for benchmarks and tests: N valid entries of realistic size.

    python benchmarks/synth.py DEST_DIR N

Entries look like real ones (four paragraphs of description, four causes, four solutions,
aliases, related codes, links) so that parse, validate, compile and build costs are
representative. Always written into a temporary folder; never committed.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

PRODUCTS = ["messaging", "whatsapp", "a2p-10dlc", "toll-free", "voice", "sip", "webhooks",
            "phone-numbers", "account", "api"]
RETRY = ["never", "later", "after-fix"]
ACTIONS = ["stop-messaging", "correct-number", "register-sender", "wait-and-retry", "fix-request",
           "fix-content", "fix-webhook", "fix-configuration", "contact-support"]
WORDS = ("carrier handset sender recipient message number request webhook template campaign brand "
         "registration delivery queue segment media content filter route account service region "
         "permission limit window session channel trunk domain caller verification opt-out keyword "
         "contact workflow payload response timeout server certificate address capability").split()


def synthetic_codes(count: int) -> list[int]:
    """count distinct codes spread over the real range (10000..459999)."""
    step = max(1, 450_000 // count)
    return [10_000 + i * step for i in range(count)]


def _sentence(rng: random.Random, words: int) -> str:
    body = " ".join(rng.choice(WORDS) for _ in range(words))
    return body[0].upper() + body[1:] + "."


def entry_yaml(code: int, rng: random.Random, related: list[int]) -> str:
    para = lambda: " ".join(_sentence(rng, rng.randint(9, 16)) for _ in range(4))  # noqa: E731
    lines = [
        "# yaml-language-server: $schema=../generator/entry.schema.json",
        f"code: {code}",
        f"title: Synthetic {rng.choice(WORDS)} {rng.choice(WORDS)} failure {code}",
        f"level: {rng.choice(['error', 'error', 'warning'])}",
        f"product: {rng.choice(PRODUCTS)}",
        "status: active",
        f"summary: {_sentence(rng, 14)}",
        "description: |",
        *(f"  {line}" for line in (para(), "", para(), "", para())),
        "causes:",
        *(f"  - {_sentence(rng, 18)}" for _ in range(4)),
        "solutions:",
        *(f"  - {_sentence(rng, 20)}" for _ in range(4)),
        f"retry: {rng.choice(RETRY)}",
        f"action: {rng.choice(ACTIONS)}",
        f"advice: {_sentence(rng, 16)}",
        "aliases:",
        f"  - Synthetic alias {code}",
        f"related: [{', '.join(str(r) for r in related)}]",
        "links:",
        f"  - title: Reference page {code}",
        f"    url: https://example.org/errors/{code}",
        'updated: "2026-11-27"',
    ]
    return "\n".join(lines) + "\n"


def write_catalog(dest: Path, count: int, seed: int = 1) -> list[int]:
    rng = random.Random(seed)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    codes = synthetic_codes(count)
    for i, code in enumerate(codes):
        related = sorted({codes[(i + k) % count] for k in (1, 2, 3)} - {code})
        (dest / f"{code}.yaml").write_text(entry_yaml(code, rng, related), "utf-8")
    return codes


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    write_catalog(Path(sys.argv[1]), int(sys.argv[2]))
