"""Synthetic catalogs for benchmarks and tests: N valid v2 entries of realistic size.

    python benchmarks/synth.py DEST_DIR N [REFERENCE_SHARE]

Most entries are full entries that look like real ones (three paragraphs of description, four
causes, four solutions, who acts, what to do from the LC app and from an own integration, what to
tell the customer, aliases, related codes, links), with a code span or an https link in one Markdown
field in ten, as in the real catalog, so that parse, validate, render, compile and build
costs are representative. Every fifth entry (``reference_share``) is a reference entry: the upstream
facts only. Always written into a temporary folder; never committed.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

PRODUCTS = ["messaging", "whatsapp", "a2p-10dlc", "toll-free", "voice", "sip", "webhooks",
            "phone-numbers", "account", "api", "verify", "lookup"]
UPSTREAM_PRODUCTS = ["Branded Comms", "Programmable Voice", "Programmable SMS", "Phone Numbers", "Verify"]
RETRY = ["never", "later", "after-fix"]
ACTIONS = ["stop-messaging", "correct-number", "register-sender", "wait-and-retry", "fix-request",
           "fix-content", "fix-webhook", "fix-configuration", "no-action-needed", "contact-support"]
WHO = ["recipient", "sender", "developer", "lc-support", "carrier"]
TIERS = ["core", "ext", "out"]
SNAPSHOTS = ["2023-05", "2025-02", "2026"]
WORDS = """
    carrier handset sender recipient message number request webhook template campaign brand registration
    delivery queue segment media content filter route account service region permission limit window session
    channel trunk domain caller verification opt-out keyword contact workflow payload response timeout server
    certificate address capability
    """.split()  # noqa: SIM905


def synthetic_codes(count: int) -> list[int]:
    """count distinct codes spread over the real range (10000..459999)."""
    step = max(1, 450_000 // count)
    return [10_000 + i * step for i in range(count)]


def _sentence(rng: random.Random, words: int) -> str:
    body = " ".join(rng.choice(WORDS) for _ in range(words))
    return body[0].upper() + body[1:] + "."


def _markdown(rng: random.Random, sentences: int, words: tuple[int, int]) -> str:
    """A field of Markdown: one in ten holds a code span or an https link, as in the real catalog."""
    parts = [_sentence(rng, rng.randint(*words)) for _ in range(sentences)]
    roll = rng.random()
    if roll < 0.06:
        parts[-1] = parts[-1][:-1] + f" (check the `{rng.choice(WORDS)}` parameter)."
    elif roll < 0.1:
        link = f"[the {rng.choice(WORDS)} guide](https://example.org/{rng.choice(WORDS)})"
        parts[-1] = parts[-1][:-1] + f", as {link} says."
    return " ".join(parts)


def full_entry_yaml(code: int, rng: random.Random, related: list[int]) -> str:
    who = rng.sample(WHO, rng.randint(1, 2))
    lines = [
        "# yaml-language-server: $schema=../generator/entry.schema.json",
        f"code: {code}",
        "kind: full",
        f"title: Synthetic {rng.choice(WORDS)} {rng.choice(WORDS)} failure {code}",
        f"level: {rng.choice(['error', 'error', 'warning'])}",
        f"product: {rng.choice(PRODUCTS)}",
        f'upstream_products: ["{rng.choice(UPSTREAM_PRODUCTS)}"]',
        f"lc_tier: {rng.choice(TIERS[:2])}",
        f'listed_since: "{rng.choice(SNAPSHOTS)}"',
        "status: active",
        f"summary: {_sentence(rng, 14)}",
        "description: |",
        *(f"  {line}" for line in (_markdown(rng, 4, (9, 16)), "", _markdown(rng, 4, (9, 16)), "",
                                  _markdown(rng, 4, (9, 16)))),
        "causes:",
        *(f"  - {_markdown(rng, 1, (18, 18))}" for _ in range(4)),
        "solutions:",
        *(f"  - {_markdown(rng, 1, (20, 20))}" for _ in range(4)),
        f"retry: {rng.choice(RETRY)}",
        f"action: {rng.choice(ACTIONS)}",
        f"advice: {_sentence(rng, 16)}",
        f"who_acts: [{', '.join(who)}]",
        f"lc_app: {_markdown(rng, 1, (24, 24))}",
        f"own_integration: {_markdown(rng, 1, (24, 24))}",
        *([f"escalation: {_markdown(rng, 1, (14, 14))}"] if "lc-support" in who else []),
        f"tell_customer: {_sentence(rng, 22)} {_sentence(rng, 12)}",
        "aliases:",
        f"  - Synthetic alias {code}",
        f"related: [{', '.join(str(r) for r in related)}]",
        "links:",
        f"  - title: Reference page {code}",
        f"    url: https://example.org/errors/{code}",
        'updated: "2026-11-27"',
    ]
    return "\n".join(lines) + "\n"


def reference_entry_yaml(code: int, rng: random.Random) -> str:
    lines = [
        "# yaml-language-server: $schema=../generator/entry.schema.json",
        f"code: {code}",
        "kind: reference",
        f'title: "Synthetic reference {rng.choice(WORDS)} {rng.choice(WORDS)} {code}"',
        f"level: {rng.choice(['error', 'warning'])}",
        f"product: {rng.choice([*PRODUCTS, 'other'])}",
        f'upstream_products: ["{rng.choice(UPSTREAM_PRODUCTS)}"]',
        f"lc_tier: {rng.choice(TIERS)}",
        f'listed_since: "{rng.choice(SNAPSHOTS)}"',
        "status: active",
    ]
    return "\n".join(lines) + "\n"


def entry_yaml(code: int, rng: random.Random, related: list[int]) -> str:
    """A full entry (kept for callers of the v1 helper)."""
    return full_entry_yaml(code, rng, related)


def write_catalog(dest: Path, count: int, seed: int = 1, reference_share: float = 0.2) -> list[int]:
    """Write count valid entries into dest; every 1/reference_share-th entry is a reference entry.
    Full entries relate only to full entries (a reference entry has no related codes of its own)."""
    rng = random.Random(seed)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    codes = synthetic_codes(count)
    every = round(1 / reference_share) if reference_share > 0 else 0
    is_reference = [bool(every) and i % every == every - 1 for i in range(count)]
    full = [code for code, ref in zip(codes, is_reference, strict=True) if not ref]
    position = {code: i for i, code in enumerate(full)}
    for code, ref in zip(codes, is_reference, strict=True):
        if ref:
            text = reference_entry_yaml(code, rng)
        else:
            i = position[code]
            related = sorted({full[(i + k) % len(full)] for k in (1, 2, 3)} - {code})
            text = full_entry_yaml(code, rng, related)
        (dest / f"{code}.yaml").write_text(text, "utf-8")
    return codes


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    share = float(sys.argv[3]) if len(sys.argv) == 4 else 0.2
    write_catalog(Path(sys.argv[1]), int(sys.argv[2]), reference_share=share)
