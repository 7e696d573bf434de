"""Password hashing and the password rules (NIST 800-63B §5.1.1, OWASP ASVS V2.1)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from absher_app.domain import passwords
from absher_app.domain.errors import ValidationError
from absher_app.domain.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    MIN_STRENGTH,
    burn_verify_time,
    check_password,
    hash_password,
    strength,
    verify_password,
)
from absher_app.settings import get_settings

ARGON2_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$"
# These tests check the hashing itself: at the production cost (tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("owasp_hashing")
# Eight characters, not on any list, zxcvbn score >= 2.
GOOD_8 = "q7!Vz#9p"
# Long, random-looking, and not built from any word: strong at every length we cut it to.
LONG_200 = ("Zq8#vL2!mR5@tW9$kP3^" * 10)
PERSONAL = ["1000000008", "sara.qahtani", "Sara Mohammed Alqahtani", "سارة محمد القحطاني",
            "Sara", "Mohammed", "Alqahtani"]


def refused(password: str, confirm: str | None = None, personal=()) -> str:
    """The code of the rule `password` breaks (fails the test if it breaks none)."""
    with pytest.raises(ValidationError) as caught:
        check_password(password, confirm, personal=personal)
    return caught.value.code


@pytest.fixture(scope="module")
def good_hash() -> str:
    with pytest.MonkeyPatch.context() as patch:  # set up before the per-test owasp_hashing
        patch.setattr(get_settings(), "password_hash_cost", "owasp")
        return hash_password(GOOD_8)


# --- hashing ---------------------------------------------------------------------------------

def test_hash_is_argon2id_with_owasp_parameters(good_hash):
    assert good_hash.startswith(ARGON2_PREFIX)


def test_hash_is_salted_so_the_same_password_hashes_differently(good_hash):
    again = hash_password(GOOD_8)
    assert again != good_hash
    assert again.startswith(ARGON2_PREFIX)
    assert verify_password(GOOD_8, again) is True


def test_the_test_cost_is_argon2id_at_its_smallest_and_verifies_across_costs(
        good_hash, monkeypatch):
    monkeypatch.setattr(get_settings(), "password_hash_cost", "test")
    cheap = hash_password(GOOD_8)
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    # The cost travels in the hash: each setting verifies the other's hashes.
    assert verify_password(GOOD_8, good_hash) is True
    assert verify_password("q7!Vz#9P", good_hash) is False
    monkeypatch.setattr(get_settings(), "password_hash_cost", "owasp")
    assert verify_password(GOOD_8, cheap) is True
    assert verify_password("q7!Vz#9P", cheap) is False


def test_hash_does_not_contain_the_password(good_hash):
    assert GOOD_8 not in good_hash


def test_right_password_verifies(good_hash):
    assert verify_password(GOOD_8, good_hash) is True


@pytest.mark.parametrize("attempt", ["q7!Vz#9P", "q7!Vz#9", "q7!Vz#9p ", " q7!Vz#9p", ""])
def test_any_other_password_does_not_verify(good_hash, attempt):
    assert verify_password(attempt, good_hash) is False


def test_200_characters_hash_and_verify_and_are_never_truncated():
    assert len(LONG_200) == 200
    password_hash = hash_password(LONG_200)
    assert password_hash.startswith(ARGON2_PREFIX)
    assert verify_password(LONG_200, password_hash) is True
    assert verify_password(LONG_200[:199], password_hash) is False
    assert verify_password(LONG_200[:72], password_hash) is False  # bcrypt's cut-off
    assert verify_password(LONG_200[:-1] + "X", password_hash) is False


def test_non_ascii_password_hashes_and_verifies():
    password = "كلمة سر طويلة ٢٠٢٦"
    password_hash = hash_password(password)
    assert verify_password(password, password_hash) is True
    assert verify_password("كلمة سر طويلة 2026", password_hash) is False


@pytest.mark.parametrize("bad_hash", [
    "", "garbage", "$argon2id$", ARGON2_PREFIX + "garbage",
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$",
    "$2b$12$abcdefghijklmnopqrstuuWnQbY6rIo8lV5D1bYbXMf3.xQk0Yw3e",  # bcrypt: not our scheme
    "$1$abc$def", None,
])
def test_malformed_hash_is_a_mismatch_not_an_error(bad_hash):
    assert verify_password(GOOD_8, bad_hash) is False


def test_truncated_real_hash_is_a_mismatch(good_hash):
    assert verify_password(GOOD_8, good_hash[:-6]) is False


def test_burn_verify_time_spends_one_real_verification(monkeypatch):
    calls: list[tuple[str, str]] = []
    real = passwords.verify_password

    def spy(password, password_hash):
        calls.append((password, password_hash))
        return real(password, password_hash)

    monkeypatch.setattr(passwords, "verify_password", spy)
    assert burn_verify_time("whatever the attacker typed") is None
    assert len(calls) == 1
    assert calls[0][0] == "whatever the attacker typed"
    assert calls[0][1].startswith(ARGON2_PREFIX)  # a real argon2id hash, same cost


# --- length ----------------------------------------------------------------------------------

def test_length_limits_are_8_and_256():
    assert (MIN_LENGTH, MAX_LENGTH) == (8, 256)


def test_seven_characters_are_refused():
    assert refused(GOOD_8[:7]) == "password_too_short"


@pytest.mark.parametrize("short", ["", "a", "Zq8#vL2"])
def test_shorter_than_8_is_too_short(short):
    assert refused(short) == "password_too_short"


def test_eight_good_characters_are_accepted():
    assert len(GOOD_8) == 8
    assert strength(GOOD_8) >= MIN_STRENGTH
    assert check_password(GOOD_8) is None
    assert check_password(GOOD_8, GOOD_8, personal=PERSONAL) is None


def test_256_characters_are_accepted_and_257_refused():
    password = (LONG_200 + LONG_200)[:256]
    assert check_password(password, password) is None
    assert refused(password + "x") == "password_too_long"
    assert refused("Zq8#vL2!" * 100) == "password_too_long"


@pytest.mark.parametrize("length", [72, 73, 100, 101, 200, 255])
def test_long_passwords_are_checked_without_error(length):
    # zxcvbn 4.5 raises ValueError above 72 characters; the rules must still accept these.
    password = (LONG_200 * 2)[:length]
    assert check_password(password, password, personal=PERSONAL) is None
    assert strength(password) == 4


def test_no_composition_rules_a_lower_case_passphrase_is_fine():
    assert check_password("purple giraffes sing loudly") is None


# --- confirmation, common, personal, weak ----------------------------------------------------

def test_confirmation_must_match():
    assert refused(GOOD_8, GOOD_8.upper()) == "password_mismatch"
    assert refused(GOOD_8, GOOD_8 + " ") == "password_mismatch"
    assert refused(GOOD_8, "") == "password_mismatch"


def test_length_is_reported_before_the_mismatch():
    assert refused("short", "other") == "password_too_short"


@pytest.mark.parametrize("common", ["password1", "qwerty123", "iloveyou1", "12345678",
                                    "Password1", "QWERTY123", "PassWord"])
def test_common_passwords_are_refused(common):
    assert refused(common, common) == "password_common"


@pytest.mark.parametrize("personal", [
    "1000000008", "sara.qahtani", "SARA.QAHTANI", "Sara Mohammed Alqahtani",
    "saramohammedalqahtani", "SARA MOHAMMED ALQAHTANI", " Sara  Mohammed Alqahtani ",
    "alqahtani", "ALQAHTANI", "سارة محمد القحطاني", "سارةمحمدالقحطاني",
])
def test_a_password_equal_to_the_id_username_or_name_is_refused(personal):
    assert refused(personal, personal, personal=PERSONAL) == "password_personal"


def test_personal_rule_is_equality_not_containment():
    # Contains the name but is not it: allowed if otherwise strong.
    assert check_password("Alqahtani rides 7 camels", personal=PERSONAL) is None


def test_personal_rule_ignores_empty_values():
    assert check_password(GOOD_8, personal=["", GOOD_8.upper() + "x"]) is None


@pytest.mark.parametrize("weak", ["abcdefgh", "aaaaaaaaa", "zzzzzzzzzz", "abcabcabc",
                                  "jjjjjjjjjj",
                                  # score 1: still below the bar of 2
                                  "asdfghjkl;", "monkey1234", "12341234a"])
def test_easily_guessed_passwords_are_refused_as_weak(weak):
    assert weak.lower() not in passwords._COMMON  # so it is the strength rule that refuses
    assert strength(weak) < MIN_STRENGTH
    assert refused(weak, weak) == "password_weak"


def test_score_one_is_too_weak_and_score_two_is_enough():
    assert strength("monkey1234") == 1
    assert refused("monkey1234") == "password_weak"
    assert strength("Summer2024") == 2
    assert check_password("Summer2024") is None


def test_rules_raise_validation_errors_with_a_message():
    with pytest.raises(ValidationError) as caught:
        check_password("password1")
    assert caught.value.code == "password_common"
    assert str(caught.value)  # an English message for logs


# --- strength meter --------------------------------------------------------------------------

def test_strength_of_nothing_is_zero():
    assert strength("") == 0


@pytest.mark.parametrize(("password", "score"), [
    ("password", 0), ("abcdefgh", 0),
    ("correct horse battery staple", 4), ("Xk#4mP9!rL2q", 4),
])
def test_strength_scores(password, score):
    assert strength(password) == score


def test_strength_of_a_256_character_password_is_quick_and_maximal():
    assert strength((LONG_200 * 2)[:256]) == 4


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_strength_is_always_0_to_4(password):
    assert strength(password) in {0, 1, 2, 3, 4}
