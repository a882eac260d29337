"""Receipt codes: digits only, long, check digit, from a cryptographic source, unique."""
from __future__ import annotations

from hotline import receipts


def test_a_code_is_fourteen_digits_with_a_valid_check_digit():
    code = receipts.new_code()
    assert len(code) == 14 and code.isdigit() and receipts.is_well_formed(code)


def test_a_mistyped_digit_is_caught():
    code = receipts.new_code()
    wrong = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
    assert not receipts.is_well_formed(wrong)


def test_codes_do_not_repeat_in_practice():
    codes = {receipts.new_code() for _ in range(5000)}
    assert len(codes) == 5000


def test_spaces_and_dashes_are_ignored_when_read_back():
    code = receipts.new_code()
    assert receipts.is_well_formed(receipts.clean(receipts.spaced(code).replace(" ", "-", 1)))


def test_full_width_or_letters_are_not_codes():
    assert not receipts.is_well_formed("１２３４５６７８９０１２３４")
    assert not receipts.is_well_formed("1234abcd901234")


def test_codes_are_unique_in_the_database(factory):
    first, second = factory.complaint("一"), factory.complaint("二")
    assert first.receipt_code != second.receipt_code
