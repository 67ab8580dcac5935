r"""Texts saved as Python bytes literals, the way `str(text.encode("utf-8"))` writes them, then damaged.

Collection scripts often write a tweet as `b'RT @name: caf\xc3\xa9 \xe2\x80\xa6'`: a literal with an
escape for every byte beyond ASCII. Read as text, `#MeToo\xe2\x80\x99s` holds a fake tag `metoo` (and
once damaged as below, `metoo2`), and the ellipsis a truncated tweet ends with is a dozen characters of noise.

The 2019 #MeToo collection in shared/data went through one more step: the `b'` and a retweet's `RT @` were
cut from the front of most rows, and every escape whose first hex digit is a, e or f lost its `\x` and that
digit: `\xe2\x80\xa6` (…) reads `2\x806`, `\xc2\xa0` reads `\xc20`, and `\xf0\x9f\x8e\x82` (🎂) reads
`\0\x9f\x8e\x82`. UTF-8 says where such bytes must have been: a lead byte is followed by continuation bytes
(0x80 to 0xBF). So a hex digit may be what is left of a lead byte `\xe?` or of a continuation byte `\xa?`,
and `\0` of `\xf0`. `decode` rebuilds the bytes, choosing among the readings the one with the fewest bytes
that fit no UTF-8 sequence, then the fewest digits read as damage (and no private-use character made of
digits alone); a digit is only ever read as damage next to an escape, so ordinary text never changes.
"""

import re

_QUOTES = ("'", '"')
_SIMPLE_ESCAPES = {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\", "'": b"'", '"': b'"'}
_TOKEN = re.compile(r"\\x([0-9a-f]{2})|\\([0-7])|\\(.)|([^\\]+)|(\\)$", re.DOTALL)
_CUT_ESCAPE = re.compile(r"\\x[0-9a-f]?$")
_HEX_DIGITS = frozenset("0123456789abcdef")
_ESCAPE_SIGN = re.compile(r"\\x[0-9a-f]{2}|\\n")
SAMPLE_ROWS = 200
# Costs when choosing how to read the bytes: a byte that fits in no UTF-8 sequence (it becomes U+FFFD) costs
# far more than reading a left-over digit as the byte it was cut from, so damage is undone where, and only
# where, it makes valid UTF-8.
_INVALID, _REREAD, _UNLIKELY = 10, 1, 3

# Tokens: (kind, value). _ESCAPED: a byte written as an escape (int). _DIGIT: a plain hex digit that may be
# what is left of \xa?, \xe? (str). _LEAD4: `\0`..`\7`, left of \xf? (int, the byte). _TEXT: plain text (str).
_ESCAPED, _DIGIT, _LEAD4, _TEXT = 0, 1, 2, 3
_NEAR = 3  # a plain character further than this from every escape cannot belong to a damaged sequence


def unwrap(text: str) -> tuple[str, bool]:
    """The literal's body, and whether its `b'`/`b"` opening was still there."""
    opened = text[:2] in ("b'", 'b"')
    body = text[2:] if opened else text
    if body.endswith(_QUOTES) and not _escaped_at_end(body[:-1]):
        body = body[:-1]
    return body, opened


def _escaped_at_end(text: str) -> bool:
    """Whether the character after `text` would be escaped (an odd run of backslashes ends it)."""
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def _plain_tokens(run: str, tokens: list) -> None:
    def one(char: str) -> None:
        tokens.append((_DIGIT, char) if char in _HEX_DIGITS else (_TEXT, char))

    if len(run) <= 2 * _NEAR:
        for char in run:
            one(char)
        return
    for char in run[:_NEAR]:
        one(char)
    tokens.append((_TEXT, run[_NEAR:-_NEAR]))
    for char in run[-_NEAR:]:
        one(char)


def _tokens(body: str) -> list[tuple[int, object]]:
    tokens: list[tuple[int, object]] = []
    for escape, digit, simple, plain, lone in _TOKEN.findall(body):
        if escape:
            tokens.append((_ESCAPED, int(escape, 16)))
        elif digit:
            tokens.append((_LEAD4, 0xF0 | int(digit)))
        elif simple:
            known = _SIMPLE_ESCAPES.get(simple)
            # not an escape Python writes: keep both characters
            tokens.append((_TEXT, known.decode() if known else "\\" + simple))
        elif plain:
            _plain_tokens(plain, tokens)
        elif lone:
            tokens.append((_TEXT, "\\"))
    return tokens


def _continuation(token: tuple[int, object]) -> tuple[int, int] | None:
    """(byte, cost) where the token can be a continuation byte."""
    kind, value = token
    if kind == _ESCAPED and 0x80 <= value <= 0xBF:
        return value, 0
    if kind == _DIGIT:
        return 0xA0 | int(value, 16), _REREAD  # what is left of \xa?
    return None


def _lead(token: tuple[int, object]) -> tuple[int, int] | None:
    kind, value = token
    if kind == _ESCAPED and 0xC2 <= value <= 0xF4:
        return value, 0
    if kind == _DIGIT:
        return 0xE0 | int(value, 16), _REREAD  # what is left of \xe?
    if kind == _LEAD4:
        return value, 0
    return None


def _second_byte_range(lead: int) -> tuple[int, int]:
    return {0xE0: (0xA0, 0xBF), 0xED: (0x80, 0x9F), 0xF0: (0x90, 0xBF), 0xF4: (0x80, 0x8F)}.get(
        lead, (0x80, 0xBF)
    )


def _sequence(tokens: list, start: int) -> tuple[bytes, int, int] | None:
    """The UTF-8 sequence starting at tokens[start], if one can: (its bytes, tokens used, cost)."""
    lead = _lead(tokens[start])
    if lead is None:
        return None
    byte, cost = lead
    length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
    cut = start + length > len(tokens)  # the text was cut off inside this character: it is dropped
    out = [byte]
    evidence = tokens[start][0] != _DIGIT
    low, high = _second_byte_range(byte)
    for index in range(start + 1, min(start + length, len(tokens))):
        found = _continuation(tokens[index])
        if found is None or not low <= found[0] <= high:
            return None
        out.append(found[0])
        cost += found[1]
        evidence = evidence or tokens[index][0] == _ESCAPED
        low, high = 0x80, 0xBF
    if not evidence:  # plain digits only: ordinary text, not damage
        return None
    if cut:
        return b"", len(tokens) - start, cost
    encoded = bytes(out)
    if cost and 0xE000 <= ord(encoded.decode()) <= 0xF8FF:
        cost += _UNLIKELY  # a private-use character read out of left-over digits: another reading is likelier
    return encoded, length, cost


def _rebuild(tokens: list) -> bytes:
    """The bytes the tokens most plausibly were: the reading with the fewest invalid bytes, then the fewest
    re-read digits (dynamic programming from the end)."""
    count = len(tokens)
    best = [0] * (count + 1)
    step: list[tuple[bytes, int]] = [(b"", 1)] * count
    for start in range(count - 1, -1, -1):
        kind, value = tokens[start]
        if kind == _ESCAPED:
            alone, cost = bytes([value]), 0 if value < 0x80 else _INVALID
        elif kind == _LEAD4:
            alone, cost = f"\\{value - 0xF0}".encode(), _REREAD
        else:
            alone, cost = str(value).encode(), 0
        choice, total = (alone, 1), cost + best[start + 1]
        sequence = _sequence(tokens, start)
        if sequence is not None:
            encoded, used, cost = sequence
            if cost + best[start + used] < total:
                choice, total = (encoded, used), cost + best[start + used]
        step[start], best[start] = choice, total
    out = bytearray()
    index = 0
    while index < count:
        encoded, used = step[index]
        out += encoded
        index += used
    return bytes(out)


def decode(text: str) -> tuple[str, bool]:
    """The text a (possibly damaged) bytes literal holds, and whether its `b'`/`b"` opening was still there.

    A sequence cut off at the end (the collection truncated texts at 140 characters) is dropped."""
    body, opened = unwrap(text)
    if "\\" not in body:
        return body, opened
    cut = _CUT_ESCAPE.search(body)
    if cut and not _escaped_at_end(body[: cut.start()]):
        body = body[: cut.start()]  # an escape cut short by the truncation
    elif _escaped_at_end(body):
        body = body[:-1]
    decoded = _rebuild(_tokens(body)).decode("utf-8", errors="replace")
    return decoded.rstrip("\ufffd"), opened


def looks_like_byte_literals(texts: list[str]) -> bool:
    """Whether a column holds bytes literals: most values open with `b'` or end with the literal's quote, and
    some carry its escapes (a column of ordinary texts rarely ends in a quote, and has no `\\x..`)."""
    texts = [text for text in texts[:SAMPLE_ROWS] if text]
    if not texts:
        return False
    quoted = sum(text[:2] in ("b'", 'b"') or text.endswith(_QUOTES) for text in texts)
    escaped = any(text[:2] in ("b'", 'b"') or _ESCAPE_SIGN.search(text) for text in texts)
    return escaped and quoted >= 0.8 * len(texts)
