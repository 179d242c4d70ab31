"""Unified Social Credit Code (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-character alphabet (no I, O, Z, S, V); the last
is a check character computed from the first seventeen with weights 3^i mod 31.
"""

from registry.messages import Message, Template

LENGTH = Template("uscc_length", "A USCC has 18 characters.")
CHARACTERS = Template("uscc_characters",
                      "A USCC may not contain %(characters)s (digits and capitals except I, O, Z, S, V).")
DIVISION = Template("uscc_division", "Characters 3 to 8 of a USCC are the administrative division code (digits).")
CHECK = Template("uscc_check", "The check character of this USCC does not verify (GB 32100-2015).")

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {char: value for value, char in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """The check character for the first seventeen characters of a code."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> Message | None:
    """Why ``code`` is not a valid USCC, or None when it is."""
    if len(code) != 18:
        return LENGTH()
    bad = sorted({char for char in code if char not in _VALUE})
    if bad:
        return CHARACTERS(characters=repr("".join(bad)))
    if not code[2:8].isdigit():
        return DIVISION()
    if check_character(code[:17]) != code[17]:
        return CHECK()
    return None


def make_uscc(first17: str) -> str:
    """A valid code from seventeen characters (for demo and test data)."""
    return first17 + check_character(first17)
