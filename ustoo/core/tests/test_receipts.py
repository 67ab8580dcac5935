"""Receipts: enough entropy, only plain words, a keyed hash, forgiving when retyped."""

import hashlib
import hmac

from ustoo.core import receipts


def test_receipts_carry_at_least_90_bits():
    # Journal codenames are drawn from the same words and must carry 90 bits (journal/PROTOCOL.md).
    assert receipts.entropy_bits() >= 90
    assert len(receipts._words()) ** receipts.WORD_COUNT >= 2**90


def test_words_are_plain_and_exclude_violent_ones():
    words = receipts._words()
    assert all(word.isalpha() and word.islower() for word in words)
    echoes = {"grope", "predator", "undress", "strangle", "revenge", "prison", "scared"}
    assert not (echoes | {"t-shirt", "yo-yo"}) & set(words)


def test_every_new_receipt_is_seven_words_that_survive_normalising():
    for _ in range(500):
        receipt = receipts.new_receipt()
        assert len(receipt.split()) == 7
        assert receipts.looks_like_receipt(receipt)
        assert receipts.normalise(receipt) == receipt


def test_a_receipt_is_one_uniform_draw_over_every_seven_word_phrase(monkeypatch):
    words = receipts._words()
    asked = []
    indices = [0, 1, len(words) - 1, 5, 4000, 2, len(words) // 2]
    draw = sum(index * len(words) ** position for position, index in enumerate(indices))

    def randbelow(bound):
        asked.append(bound)
        return draw

    monkeypatch.setattr(receipts.secrets, "randbelow", randbelow)
    assert receipts.new_receipt() == " ".join(words[index] for index in indices)
    assert asked == [len(words) ** 7]  # every phrase possible, each as likely


def test_every_word_of_a_receipt_varies():
    phrases = [receipts.new_receipt().split() for _ in range(300)]
    for position in range(receipts.WORD_COUNT):
        assert len({phrase[position] for phrase in phrases}) > 250


def test_the_hash_is_an_hmac_of_the_normalised_phrase_under_the_receipt_key(settings):
    phrase = "alpha bravo charlie delta echo foxtrot golf"
    key = hmac.new(settings.OWNERSHIP_KEY.encode(), b"ustoo:receipt", hashlib.sha256).digest()
    expected = hmac.new(key, phrase.encode(), hashlib.sha256).digest()
    assert receipts.receipt_hash(phrase) == expected
    assert receipts.receipt_hash("  Alpha-Bravo charlie DELTA echo, foxtrot golf ") == expected
    assert receipts.receipt_hash("alpha bravo charlie delta echo foxtrot gulf") != expected


def test_without_the_ownership_key_a_receipt_hashes_to_something_else(settings):
    phrase = "alpha bravo charlie delta echo foxtrot golf"
    ours = receipts.receipt_hash(phrase)
    settings.OWNERSHIP_KEY = "another site's key"
    assert receipts.receipt_hash(phrase) != ours
