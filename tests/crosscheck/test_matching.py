"""Fuzzy identity: the ID variants a mistyped number can stand for."""
from __future__ import annotations

import random

from hotline.crosscheck import values
from tests.crosscheck.conftest import make_id


def _mistyped(rng: random.Random) -> str:
    number = list(make_id(f"{rng.randint(1940, 2020)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
                          rng.randint(1, 999), rng.choice(["510122", "110105", "440301"])))
    i = rng.randrange(18)
    if rng.random() < 0.5:
        number[i] = rng.choice("0123456789X" if i == 17 else "0123456789")
    elif i < 17:
        number[i], number[i + 1] = number[i + 1], number[i]
    return "".join(number)


def test_it_builds_the_same_id_variants_as_trying_every_change():
    rng = random.Random(5)
    samples = [_mistyped(rng) for _ in range(1500)] + ["1101051949123100X2", "11010519491231002x"]
    slow = [values._id_variants_slow(n) for n in samples]  # the reference, tried once per sample
    assert all(values.id_variants(n) == every for n, every in zip(samples, slow))
    assert sum(len(values.id_variants(n)) for n in samples) > 300
    # The registry side's variants: those keeping the birth date digits, and only those.
    same_birth = [{v for v in every if v[6:14] == n.upper()[6:14]} for n, every in zip(samples, slow)]
    assert [values.id_variants(n, keep_birth=True) for n in samples] == same_birth
    assert sum(map(len, same_birth)) > 100


def test_it_finds_the_true_id_behind_a_one_digit_typo_or_a_transposition():
    true = make_id("19390303", 19)
    digit = true[:9] + str((int(true[9]) + 1) % 10) + true[10:]
    swapped = true[:3] + true[4] + true[3] + true[5:]
    assert true in values.id_variants(digit)
    assert true in values.id_variants(swapped)
