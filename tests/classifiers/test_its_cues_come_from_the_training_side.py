"""The cue lists of definitions.py are built from DEFINITIONS.md and the training side only.

An entry that matches held-out texts (complaints or facts of held-out published cases, the
original held-out items) but no training-side text and nothing in DEFINITIONS.md could only
have been learnt by reading the held-out side: it would flatter the held-out figures.
"""
from classifiers.definitions import CUE_ENTRIES, cue_entries_only_in, leak_suspects


def test_no_cue_entry_occurs_only_in_held_out_texts():
    assert leak_suspects() == []


def test_the_check_finds_an_entry_seen_only_on_the_held_out_side():
    entry = next(iter(CUE_ENTRIES))
    assert cue_entries_only_in([f"他们{entry}了"], ["村里的事"]) == [entry]
    assert cue_entries_only_in([f"他们{entry}了"], [f"听说{entry}"]) == []
