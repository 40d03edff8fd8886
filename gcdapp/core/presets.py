"""Built-in pair lists.

The CLI's entry module imports this, and worker processes re-import that
module: it stays free of numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The ``NUMBERS`` list of the seed scripts (Effective Python, item 64).
SEED_NUMBERS: tuple[tuple[int, int], ...] = (
    (1963309, 2265973), (2030677, 3814172),
    (1551645, 2229620), (2039045, 2020802),
    (1823712, 1924928), (2293129, 1020491),
    (1281238, 2273782), (3823812, 4237281),
    (3812741, 4729139), (1292391, 2123811),
)  # fmt: skip

#: ``gcd`` of each seed pair, in order.
SEED_RESULTS: tuple[int, ...] = (1, 1, 5, 1, 32, 1, 14, 9, 1, 9)


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    pairs: tuple[tuple[int, int], ...]

    def array(self):
        """The pairs as an (n, 2) int64 array."""
        from gcdapp.core.pairs import as_pairs  # numpy: keep this module light

        return as_pairs(self.pairs)


PRESETS: dict[str, Preset] = {
    "seed": Preset("seed", "Seed example (10 pairs)", SEED_NUMBERS),
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(
            f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}"
        ) from None
